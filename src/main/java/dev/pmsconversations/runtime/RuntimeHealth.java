package dev.pmsconversations.runtime;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.sync.AccountStatus;
import dev.pmsconversations.sync.SyncService;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The runtime's own Camel health checks, next to Camel's route and consumer checks (served on the management port at
 * /observe/health, /observe/health/live, /observe/health/ready):
 * <ul>
 * <li>{@code pms-state-store} (readiness): the store answers. Without it nothing can be recorded, so the node is not ready.</li>
 * <li>{@code pms-account-<id>} (neither liveness nor readiness: one bad PMS account must not take the node out of
 * service): DOWN after {@value AccountStatus#FAILURES_DOWN} failed polls in a row or when the PMS refuses the credentials; details
 * say when the last good poll was, how many failed since, and the last error.</li>
 * </ul>
 */
final class RuntimeHealth {
    private RuntimeHealth() {
    }

    static void register(CamelContext context, StateStore store, SyncService sync, List<AccountConfig> accounts,
                         List<dev.pmsconversations.config.SinkConfig> sinks) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        registry.register(new StoreCheck(store));
        for (AccountConfig a : accounts) {
            registry.register(new AccountCheck(a.id(), sync));
        }
        for (dev.pmsconversations.config.SinkConfig s : sinks) {
            registry.register(new SinkCheck(s.name(), store));
        }
    }

    /** The check of an account the node started following at run time (created through the API). */
    static void accountAdded(CamelContext context, SyncService sync, String accountId) {
        HealthCheckRegistry.get(context).register(new AccountCheck(accountId, sync));
    }

    /** The check of a removed account goes with it. */
    static void accountRemoved(CamelContext context, String accountId) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        registry.getCheck("pms-account-" + accountId).ifPresent(registry::unregister);
    }

    /**
     * {@code pms-sink-<name>}: DOWN while the sink's oldest waiting event has failed {@value AccountStatus#FAILURES_DOWN}
     * times or more (a broker or endpoint that is down); details: backlog, dead letters, the last error. Neither
     * liveness nor readiness: the events wait in the store, the rest of the node works on.
     */
    private static final class SinkCheck extends InformationalCheck {
        private final String sink;
        private final StateStore store;

        SinkCheck(String sink, StateStore store) {
            super("pms-sink-" + sink);
            this.sink = sink;
            this.store = store;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            Map<String, Long> all = new dev.pmsconversations.delivery.DeliveryStore(store.jdbc()).countsBySinkAndStatus();
            long[] counts = {all.getOrDefault(sink + "/PENDING", 0L) + all.getOrDefault(sink + "/SENDING", 0L), all.getOrDefault(sink + "/DEAD", 0L)};
            List<String[]> failing = store.jdbc().list("select attempts, last_error from delivery where sink = ? and status in "
                    + "('PENDING', 'SENDING') and attempts > 0 order by attempts desc limit 1", rs -> new String[] {rs.getString(1), rs.getString(2)}, sink);
            builder.detail("sink", sink).detail("backlog", counts[0]).detail("deadLetters", counts[1]);
            if (!failing.isEmpty() && Integer.parseInt(failing.get(0)[0]) >= AccountStatus.FAILURES_DOWN) {
                builder.detail("attempts", Integer.parseInt(failing.get(0)[0]));
                builder.down().message("deliveries keep failing (" + failing.get(0)[0] + " attempts): " + failing.get(0)[1]);
            } else {
                builder.up();
            }
        }
    }

    /**
     * A check that reports on one account or sink: shown in /observe/health, but neither liveness nor readiness (one
     * bad PMS account or sink never takes the node out of service).
     */
    private abstract static class InformationalCheck extends AbstractHealthCheck {
        InformationalCheck(String id) {
            super("pms", id);
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        public boolean isReadiness() {
            return false;
        }
    }

    private static final class StoreCheck extends AbstractHealthCheck {
        private final StateStore store;

        StoreCheck(StateStore store) {
            super("pms", "pms-state-store");
            this.store = store;
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            try (Connection c = store.dataSource().getConnection()) {
                if (c.isValid(2)) {
                    builder.up();
                } else {
                    builder.down().message("the state store does not answer");
                }
            } catch (Exception e) {
                builder.down().message("the state store is unreachable: " + e.getClass().getSimpleName());
            }
        }
    }

    private static final class AccountCheck extends InformationalCheck {
        private final String accountId;
        private final SyncService sync;

        AccountCheck(String accountId, SyncService sync) {
            super("pms-account-" + accountId);
            this.accountId = accountId;
            this.sync = sync;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            AccountStatus s = sync.status().get(accountId);
            if (s == null) {
                builder.unknown();
                return;
            }
            builder.detail("account", accountId).detail("source", s.source()).detail("polls", s.polls())
                    .detail("consecutiveFailures", s.consecutiveFailures()).detail("auth", s.authFailed() ? "refused" : "ok")
                    .detail("circuit", sync.circuit(accountId));
            if (s.lastSuccessAt() != null) {
                builder.detail("lastSuccessfulPoll", s.lastSuccessAt());
            }
            String down = s.downReason();
            if (down != null) {
                builder.down().message(down);
            } else {
                builder.up();
            }
        }
    }
}
