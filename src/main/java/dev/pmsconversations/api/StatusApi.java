package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.cluster.PollScheduleWatch;
import dev.pmsconversations.config.SinkConfig;
import dev.pmsconversations.delivery.DeliveryStore;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.outbox.OutboxEntry;
import dev.pmsconversations.outbox.OutboxStore;
import dev.pmsconversations.store.Jdbc;
import dev.pmsconversations.sync.AccountStatus;
import dev.pmsconversations.sync.SyncService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.camel.Exchange;

/**
 * GET /v2/status: what the status page (/status) shows — the node's id; accounts with health, last sync, counts and
 * newest message; sinks with backlog and dead letters; the outbox (sends by state, the last failed ones) and the
 * webhook deliveries by state; the poll schedule; the field-coverage matrix generated at build time (docs/coverage.md,
 * in the jar). A token limited to accounts sees only those accounts, and counts over their rows only (no schedule:
 * it counts every account's polls).
 */
public final class StatusApi {
    /** How many of the last failed sends the answer lists. */
    static final int RECENT_FAILURES = 10;
    private static final List<String> WEBHOOK_STATES = List.of("RECEIVED", "COVERED", "PROCESSING", "DONE", "FAILED");
    private final SyncService sync;
    private final List<SinkConfig> sinks;
    private final List<List<String>> coverage;
    private final PollScheduleWatch schedule;
    private final String nodeId;
    private final DeliveryStore deliveries;
    private final OutboxStore outbox;
    /** Webhook deliveries by state for some accounts (null: all); a function, as the webhook package uses this one. */
    private final Function<Collection<String>, Map<String, Long>> webhookCounts;

    public StatusApi(SyncService sync, Jdbc jdbc, List<SinkConfig> sinks, PollScheduleWatch schedule, String nodeId,
                     Function<Collection<String>, Map<String, Long>> webhookCounts) {
        this.sync = sync;
        this.schedule = schedule;
        this.sinks = sinks;
        this.nodeId = nodeId;
        this.deliveries = new DeliveryStore(jdbc);
        this.outbox = new OutboxStore(jdbc);
        this.webhookCounts = webhookCounts;
        this.coverage = coverageTable();
    }

    public String status(Exchange ex) {
        ApiAuth.Scope scope = ApiAuth.scope(ex);
        String requested = ex.getIn().getHeader("accountId", String.class);
        // null: a token for all accounts, and no account asked for
        Set<String> only = scope.narrow(requested == null || requested.isBlank() ? null : requested, sync.status().keySet());
        ObjectNode data = Json.MAPPER.createObjectNode().put("nodeId", nodeId);
        if (scope.accounts() == null) {
            data.putNull("limitedToAccounts");
        } else {
            ArrayNode limited = data.putArray("limitedToAccounts");
            new TreeSet<>(scope.accounts()).forEach(limited::add);
        }
        accounts(data.putArray("accounts"), only);
        if (only == null) {
            schedule(data.putObject("schedule"));
        }
        sinks(data.putArray("sinks"), only);
        outbox(data.putObject("outbox"), only);
        ObjectNode hooks = data.putObject("webhooks").putObject("counts");
        Map<String, Long> byState = webhookCounts.apply(only);
        WEBHOOK_STATES.forEach(s -> hooks.put(s, byState.getOrDefault(s, 0L)));
        ArrayNode drift = data.putArray("drift");
        for (dev.pmsconversations.sync.MappingDrift.Seen s : sync.drift().seen(only)) {
            drift.addObject().put("source", s.key().source()).put("accountId", s.key().accountId()).put("field", s.key().field())
                    .put("kind", s.key().kind()).put("count", s.count()).put("lastValue", s.lastValue());
        }
        ArrayNode rows = data.putArray("coverage");
        coverage.forEach(r -> {
            ArrayNode row = rows.addArray();
            r.forEach(row::add);
        });
        return Envelope.ok(data).toString();
    }

    private void accounts(ArrayNode accounts, Set<String> only) {
        Instant now = Instant.now();
        Map<String, AccountStatus> known = new java.util.HashMap<>(sync.status());
        Map<String, dev.pmsconversations.sync.PollRun.Progress> running = sync.progress();
        // an account in its first poll (created at run time) has no totals yet: shown with its progress
        running.forEach((id, p) -> known.putIfAbsent(id, AccountStatus.initial(id, p.source())));
        known.values().stream().filter(s -> only == null || only.contains(s.accountId()))
                .sorted(Comparator.comparing(AccountStatus::accountId)).forEach(s -> {
            String down = s.downReason();
            Instant newest = sync.newestMessage(s.accountId());
            ObjectNode a = accounts.addObject().put("accountId", s.accountId()).put("source", s.source())
                    .put("health", down == null ? "UP" : "DOWN").put("reason", down).put("lastPollAt", s.lastPollAt())
                    .put("lastSuccessfulPoll", s.lastSuccessAt()).put("consecutiveFailures", s.consecutiveFailures())
                    .put("polls", s.polls()).put("conversations", s.conversations()).put("messages", s.messages())
                    .put("errors", s.errors()).put("requests", s.requests());
            if (newest == null) {
                a.putNull("newestMessageAt").putNull("syncLagSeconds");
            } else {
                a.put("newestMessageAt", newest.toString()).put("syncLagSeconds", Duration.between(newest, now).toSeconds());
            }
            dev.pmsconversations.sync.PollRun.Progress p = running.get(s.accountId());
            if (p == null) {
                a.putNull("sync");
            } else {
                a.putObject("sync").put("kind", p.fromScratch() ? "first sync" : "poll").put("startedAt", p.startedAt().toString())
                        .put("threadsDone", p.threadsDone()).put("threadsListed", p.threadsListed()).put("listComplete", p.listComplete())
                        .put("requests", p.requests()).put("etaSeconds", p.etaSeconds());
            }
        });
    }

    private void schedule(ObjectNode sched) {
        PollScheduleWatch.Snapshot polls = schedule.snapshot();
        sched.put("pollsStarted", polls.fired()).put("misfired", polls.misfired()).put("maxStartDelayMillis", polls.maxDelayMillis());
        ObjectNode byDelay = sched.putObject("startDelay");
        for (int i = 0; i < polls.delayBuckets().length; i++) {
            byDelay.put(i < PollScheduleWatch.DELAY_BUCKETS_MILLIS.length ? "upTo" + PollScheduleWatch.DELAY_BUCKETS_MILLIS[i] + "ms"
                    : "above" + PollScheduleWatch.DELAY_BUCKETS_MILLIS[i - 1] + "ms", polls.delayBuckets()[i]);
        }
    }

    private void sinks(ArrayNode sinkArray, Set<String> only) {
        Map<String, Long> counts = only == null ? deliveries.countsBySinkAndStatus() : deliveries.countsBySinkAndStatus(only);
        for (SinkConfig s : sinks) {
            sinkArray.addObject().put("name", s.name()).put("type", s.type())
                    .put("backlog", counts.getOrDefault(s.name() + "/PENDING", 0L) + counts.getOrDefault(s.name() + "/SENDING", 0L))
                    .put("delivered", counts.getOrDefault(s.name() + "/DELIVERED", 0L))
                    .put("deadLetters", counts.getOrDefault(s.name() + "/DEAD", 0L));
        }
    }

    private void outbox(ObjectNode section, Set<String> only) {
        Map<String, Long> byState = outbox.countsByStatus(only);
        ObjectNode counts = section.putObject("counts");
        for (OutboxEntry.Status s : OutboxEntry.Status.values()) {
            counts.put(s.name(), byState.getOrDefault(s.name(), 0L));
        }
        ArrayNode failed = section.putArray("recentFailures");
        for (OutboxEntry e : outbox.recentFailures(only, RECENT_FAILURES)) {
            failed.addObject().put("id", e.id()).put("accountId", e.accountId()).put("conversationId", e.conversationId())
                    .put("reason", e.lastError()).put("failedAt", e.updatedAt().toString());
        }
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
