package dev.pmsconversations.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.testing.TestRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A send's claim (H2 and PostgreSQL): a worker whose checks outlast the lease loses the claim to the worker that takes
 * it over, and its renewal right before the send call says so; only the claim's holder may send.
 */
class OutboxClaimTest {
    static List<String> urls() {
        return List.of("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", TestRuntime.postgresStoreUrl());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void aClaimTakenOverCannotBeRenewed(String url) {
        try (StateStore state = new StateStore(new RuntimeConfig.StoreConfig(url, null, null, null))) {
            OutboxStore store = new OutboxStore(state.jdbc());
            Instant t0 = Instant.parse("2026-12-04T10:00:00Z");
            store.insert(new OutboxEntry("msg_1", "acct", "hostaway", "c1", null, "key-1", "hash", "CHANNEL", null, "hello", null,
                    OutboxEntry.Status.PENDING, false, 0, null, null, t0, t0, t0));
            assertThat(store.claim("msg_1", "worker-a", t0)).isTrue();
            assertThat(store.claim("msg_1", "worker-b", t0)).as("one claim at a time").isFalse();
            assertThat(store.renew("msg_1", "worker-a", t0.plusSeconds(1))).as("the holder renews").isTrue();
            Duration lease = Duration.ofSeconds(3);
            Instant late = t0.plusSeconds(5);
            // worker a's lookup is still under way 4 s after its renewal: the lease ran out, worker b takes the message over
            assertThat(store.reclaimStale("msg_1", "worker-b", late, late.minus(lease))).isTrue();
            assertThat(store.renew("msg_1", "worker-a", late.plusMillis(10))).as("a's claim is gone: a must not send").isFalse();
            assertThat(store.renew("msg_1", "worker-b", late.plusMillis(20))).isTrue();
            assertThat(store.byId("msg_1").orElseThrow().needsCheck()).as("b looks in the thread before sending").isTrue();
        }
    }
}
