package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.cluster.PollScheduleWatch;
import dev.pmsconversations.config.SinkConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.store.Jdbc;
import dev.pmsconversations.sync.AccountStatus;
import dev.pmsconversations.sync.SyncService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * GET /v2/status: what the status page (/status) shows — accounts with health, last sync, counts and lag; sinks with
 * backlog and dead letters; the field-coverage matrix generated at build time (docs/coverage.md, in the jar).
 * An operator's call: it needs a token that is not limited to accounts.
 */
public final class StatusApi {
    private final SyncService sync;
    private final Jdbc jdbc;
    private final List<SinkConfig> sinks;
    private final List<List<String>> coverage;
    private final PollScheduleWatch schedule;

    public StatusApi(SyncService sync, Jdbc jdbc, List<SinkConfig> sinks, PollScheduleWatch schedule) {
        this.sync = sync;
        this.schedule = schedule;
        this.jdbc = jdbc;
        this.sinks = sinks;
        this.coverage = coverageTable();
    }

    public String status(Exchange ex) {
        DeadLetterApi.requireOperator(ex);
        ObjectNode data = Json.MAPPER.createObjectNode();
        ArrayNode accounts = data.putArray("accounts");
        Instant now = Instant.now();
        sync.status().values().stream().sorted(java.util.Comparator.comparing(AccountStatus::accountId)).forEach(s -> {
            String down = s.downReason();
            Instant newest = sync.newestMessage(s.accountId());
            ObjectNode a = accounts.addObject().put("accountId", s.accountId()).put("source", s.source())
                    .put("health", down == null ? "UP" : "DOWN").put("reason", down).put("lastPollAt", s.lastPollAt())
                    .put("lastSuccessfulPoll", s.lastSuccessAt()).put("consecutiveFailures", s.consecutiveFailures())
                    .put("polls", s.polls()).put("conversations", s.conversations()).put("messages", s.messages())
                    .put("errors", s.errors()).put("requests", s.requests());
            if (newest == null) {
                a.putNull("syncLagSeconds");
            } else {
                a.put("syncLagSeconds", Duration.between(newest, now).toSeconds());
            }
        });
        PollScheduleWatch.Snapshot polls = schedule.snapshot();
        ObjectNode sched = data.putObject("schedule").put("pollsStarted", polls.fired()).put("misfired", polls.misfired())
                .put("maxStartDelayMillis", polls.maxDelayMillis());
        ObjectNode byDelay = sched.putObject("startDelay");
        for (int i = 0; i < polls.delayBuckets().length; i++) {
            byDelay.put(i < PollScheduleWatch.DELAY_BUCKETS_MILLIS.length ? "upTo" + PollScheduleWatch.DELAY_BUCKETS_MILLIS[i] + "ms"
                    : "above" + PollScheduleWatch.DELAY_BUCKETS_MILLIS[i - 1] + "ms", polls.delayBuckets()[i]);
        }
        Map<String, Long> counts = new dev.pmsconversations.delivery.DeliveryStore(jdbc).countsBySinkAndStatus();
        ArrayNode sinkArray = data.putArray("sinks");
        for (SinkConfig s : sinks) {
            sinkArray.addObject().put("name", s.name()).put("type", s.type())
                    .put("backlog", counts.getOrDefault(s.name() + "/PENDING", 0L) + counts.getOrDefault(s.name() + "/SENDING", 0L))
                    .put("delivered", counts.getOrDefault(s.name() + "/DELIVERED", 0L))
                    .put("deadLetters", counts.getOrDefault(s.name() + "/DEAD", 0L));
        }
        ArrayNode rows = data.putArray("coverage");
        coverage.forEach(r -> {
            ArrayNode row = rows.addArray();
            r.forEach(row::add);
        });
        return Envelope.ok(data).toString();
    }

    /** The page itself: static, no data in it (read as is: the simple language would take its JavaScript for expressions). */
    public String page() {
        try (InputStream in = StatusApi.class.getResourceAsStream("/status/index.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("status/index.html is missing from the build", e);
        }
    }

    /** The first table of the generated coverage document, as rows of cells (header first); empty if not packaged. */
    static List<List<String>> coverageTable() {
        try (InputStream in = StatusApi.class.getResourceAsStream("/status/coverage.md")) {
            if (in == null) {
                return List.of();
            }
            List<List<String>> out = new java.util.ArrayList<>();
            boolean inTable = false;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                boolean row = line.startsWith("| field ") || (inTable && line.startsWith("|"));
                if (!row) {
                    if (inTable) {
                        break;
                    }
                    continue;
                }
                inTable = true;
                if (line.startsWith("|---")) {
                    continue;
                }
                List<String> cells = new java.util.ArrayList<>();
                for (String c : line.substring(1, line.length() - 1).split("\\|")) {
                    cells.add(c.strip());
                }
                out.add(cells);
            }
            return List.copyOf(out);
        } catch (IOException e) {
            return List.of();
        }
    }
}
