package dev.pmsconversations.runtime;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.SinkConfig;
import dev.pmsconversations.store.Jdbc;
import dev.pmsconversations.sync.AccountStatus;
import dev.pmsconversations.sync.SyncService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The runtime's own meters, beside Camel's route and JVM meters, in the Prometheus registry camel-main sets up
 * (scraped at /observe/metrics on the management port). Documented in docs/operations.md.
 * <ul>
 * <li>per account (tags account, source): {@code pms_polls_total}, {@code pms_poll_failures_total},
 * {@code pms_pms_requests_total}, {@code pms_conversations_delivered_total}, {@code pms_messages_mapped_total},
 * {@code pms_new_messages_total}, {@code pms_mapping_errors_total}, {@code pms_account_consecutive_failures},
 * {@code pms_account_auth_refused} (1/0), {@code pms_pms_rate_limited_total} (429 answers), {@code pms_sync_lag_seconds};
 * {@code pms_mapping_errors_by_field_total} (tags account, source, field), {@code pms_webhooks_received_total} (tags
 * source, outcome);</li>
 * <li>{@code pms_deliveries{sink, status}} (PENDING, SENDING, DELIVERED, DEAD), {@code pms_outbox{status}} (PENDING, SENDING,
 * SENT, FAILED), {@code pms_webhooks{status}} (RECEIVED, PROCESSING, DONE, COVERED, FAILED): rows in the state store, read at most
 * once a second however often they are scraped.</li>
 * </ul>
 */
final class RuntimeMetrics {
    private static final List<String> DELIVERY = List.of("PENDING", "SENDING", "DELIVERED", "DEAD");
    private static final List<String> OUTBOX = List.of("PENDING", "SENDING", "SENT", "FAILED");
    private static final List<String> WEBHOOKS = List.of("RECEIVED", "PROCESSING", "DONE", "COVERED", "FAILED");

    private final Jdbc jdbc;
    private volatile long countedAt;
    private volatile Map<String, Long> counts = Map.of();

    private RuntimeMetrics(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    static void bind(MeterRegistry registry, SyncService sync, dev.pmsconversations.account.AccountClients clients, dev.pmsconversations.webhook.WebhookService webhooks, Jdbc jdbc,
                     List<AccountConfig> accounts, List<SinkConfig> sinks, dev.pmsconversations.cluster.PollScheduleWatch schedule) {
        FunctionCounter.builder("pms_polls_started_total", schedule, w -> w.snapshot().fired())
                .description("account polls started by the scheduler").register(registry);
        FunctionCounter.builder("pms_poll_misfires_total", schedule, w -> w.snapshot().misfired())
                .description("account polls that could not start within a minute of their planned time").register(registry);
        Gauge.builder("pms_poll_start_delay_max_seconds", schedule, w -> w.snapshot().maxDelayMillis() / 1000.0)
                .description("the latest start of a poll against its planned time, since start-up").register(registry);
        Map<String, String> sourceOf = new HashMap<>();
        accounts.forEach(a -> sourceOf.put(a.id(), a.source()));
        // what the mappings tolerated: a PMS changing its payloads shows here before data goes wrong
        sync.drift().onDrift(k -> registry.counter("pms_mapping_drift_total", "source", k.source(), "field", k.field(), "kind", k.kind())
                .increment());
        sync.onMappingError((account, field) -> registry.counter("pms_mapping_errors_by_field_total", "account", account,
                "source", clients.account(account) == null ? "unknown" : clients.account(account).source(), "field", field).increment());
        for (String source : new java.util.TreeSet<>(sourceOf.values())) {
            for (String outcome : List.of("accepted", "duplicate", "ignored", "rejected", "invalid")) {
                FunctionCounter.builder("pms_webhooks_received_total", webhooks, w -> w.outcomes(source, outcome))
                        .description("webhook calls by outcome").tags("source", source, "outcome", outcome).register(registry);
            }
        }
        for (AccountConfig a : accounts) {
            accountMeters(registry, sync, clients, a);
        }
        RuntimeMetrics rows = new RuntimeMetrics(jdbc);
        for (SinkConfig sink : sinks) {
            for (String status : DELIVERY) {
                Gauge.builder("pms_deliveries", rows, r -> r.count("delivery/" + sink.name() + "/" + status))
                        .description("events queued for a sink, by state").tags("sink", sink.name(), "status", status)
                        .strongReference(true).register(registry); // gauges hold their object weakly; nothing else holds `rows`
            }
        }
        for (String status : OUTBOX) {
            Gauge.builder("pms_outbox", rows, r -> r.count("outbox/" + status)).description("messages to send, by state")
                    .tags("status", status).strongReference(true).register(registry);
        }
        for (String status : WEBHOOKS) {
            Gauge.builder("pms_webhooks", rows, r -> r.count("webhook/" + status)).description("webhook calls accepted, by state")
                    .tags("status", status).strongReference(true).register(registry);
        }
    }

    /** The meters of one account (tags account, source): at start for the file's, by the follower for those created later. */
    static void accountMeters(MeterRegistry registry, SyncService sync, dev.pmsconversations.account.AccountClients clients, AccountConfig a) {
        Tags tags = Tags.of("account", a.id(), "source", a.source());
        FunctionCounter.builder("pms_pms_rate_limited_total", clients, c -> c.account(a.id()) == null ? 0 : c.client(a.id()).rateLimitedCount())
                .description("429 answers of the PMS (reads and sends)").tags(tags).register(registry);
        Gauge.builder("pms_sync_lag_seconds", sync, s -> {
            java.time.Instant newest = s.newestMessage(a.id());
            return newest == null ? Double.NaN : java.time.Duration.between(newest, java.time.Instant.now()).toMillis() / 1000.0;
        }).description("now minus the newest message seen for the account").tags(tags).register(registry);
        counter(registry, "pms_polls_total", "polls of the account", tags, sync, a.id(), AccountStatus::polls);
        counter(registry, "pms_poll_failures_total", "polls that failed (PMS down, auth refused)", tags, sync, a.id(),
                AccountStatus::failedPolls);
        counter(registry, "pms_pms_requests_total", "requests sent to the PMS", tags, sync, a.id(), s -> (double) s.requests());
        counter(registry, "pms_conversations_delivered_total", "conversation changes delivered (events)", tags, sync, a.id(),
                AccountStatus::conversations);
        counter(registry, "pms_messages_mapped_total", "messages mapped", tags, sync, a.id(), AccountStatus::messages);
        counter(registry, "pms_new_messages_total", "messages seen for the first time", tags, sync, a.id(), AccountStatus::newMessages);
        counter(registry, "pms_mapping_errors_total", "inputs that went to the dead letters (mapping, bad pages)", tags, sync, a.id(),
                AccountStatus::errors);
        Gauge.builder("pms_account_consecutive_failures", sync, s -> value(s, a.id(), AccountStatus::consecutiveFailures))
                .description("failed polls since the last good one").tags(tags).register(registry);
        Gauge.builder("pms_account_auth_refused", sync, s -> value(s, a.id(), x -> x.authFailed() ? 1 : 0))
                .description("1 while the PMS refuses the account's credentials").tags(tags).register(registry);
    }

    /** Removes the meters of a removed account (every meter tagged with it). */
    static void removeAccountMeters(MeterRegistry registry, String accountId) {
        registry.getMeters().stream().filter(m -> accountId.equals(m.getId().getTag("account"))).toList().forEach(registry::remove);
    }

    private static void counter(MeterRegistry registry, String name, String description, Tags tags, SyncService sync, String account,
                                ToDoubleFunction<AccountStatus> f) {
        FunctionCounter.builder(name, sync, s -> value(s, account, f)).description(description).tags(tags).register(registry);
    }

    private static double value(SyncService sync, String account, ToDoubleFunction<AccountStatus> f) {
        AccountStatus s = sync.status().get(account);
        return s == null ? 0 : f.applyAsDouble(s);
    }

    private double count(String key) {
        long now = System.currentTimeMillis();
        if (now - countedAt > 1000) {
            Map<String, Long> fresh = new HashMap<>();
            new dev.pmsconversations.delivery.DeliveryStore(jdbc).countsBySinkAndStatus().forEach((k, v) -> fresh.put("delivery/" + k, v));
            jdbc.list("select status, count(*) from outbox group by status", rs -> fresh.put("outbox/" + rs.getString(1), rs.getLong(2)));
            jdbc.list("select status, count(*) from webhook_event group by status",
                    rs -> fresh.put("webhook/" + rs.getString(1), rs.getLong(2)));
            counts = fresh;
            countedAt = now;
        }
        return counts.getOrDefault(key, 0L);
    }
}
