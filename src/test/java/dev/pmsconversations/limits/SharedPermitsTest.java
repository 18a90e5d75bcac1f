package dev.pmsconversations.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.testing.TestRuntime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Two nodes (two pools on one PostgreSQL schema), six threads, one account: the granted requests never exceed any
 * of the account's limits in any window, together; another account is not held up meanwhile.
 */
class SharedPermitsTest {
    private static final List<RateLimit> LIMITS = List.of(new RateLimit(3, 1), new RateLimit(5, 3));

    @Test
    void nodesTogetherStayUnderEveryLimitOfTheAccount() throws Exception {
        String url = TestRuntime.postgresStoreUrl();
        try (StateStore nodeA = new StateStore(new RuntimeConfig.StoreConfig(url, null, null));
             StateStore nodeB = new StateStore(new RuntimeConfig.StoreConfig(url, null, null))) {
            List<SharedPermits> nodes = List.of(new SharedPermits(nodeA.jdbc()), new SharedPermits(nodeB.jdbc()));
            List<Long> granted = new CopyOnWriteArrayList<>();
            long start = System.nanoTime();
            long end = start + 4_500_000_000L;
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                SharedPermits node = nodes.get(i % 2);
                Thread t = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        node.await("acct-1", LIMITS);
                        granted.add((System.nanoTime() - start) / 1_000_000);
                    }
                });
                t.start();
                threads.add(t);
            }
            // meanwhile another account of the same PMS gets its permits at once
            Thread.sleep(1500);
            long other = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                nodes.get(i % 2).await("acct-2", LIMITS);
            }
            long otherMillis = (System.nanoTime() - other) / 1_000_000;
            for (Thread t : threads) {
                t.join();
            }
            List<Long> times = new ArrayList<>(granted);
            Collections.sort(times);
            assertThat(GrantLogTest.maxInWindow(times, 1000)).as("grants in any 1 s " + times).isLessThanOrEqualTo(3);
            assertThat(GrantLogTest.maxInWindow(times, 3000)).as("grants in any 3 s " + times).isLessThanOrEqualTo(5);
            // the limit is used, not just obeyed: 4.5 s of 5 per 3 s (and 3 per 1 s) is 7 or 8 grants
            assertThat(times.size()).as("grants " + times).isGreaterThanOrEqualTo(7);
            assertThat(otherMillis).as("another account waited").isLessThan(1000);
        }
    }

    @Test
    void halfTheBudgetAtOnceThenSpaced() {
        // 10 per 2 s: 5 at once, then one per 200 ms (the rules of GrantLog, counted in the database)
        try (StateStore node = new StateStore(new RuntimeConfig.StoreConfig(TestRuntime.postgresStoreUrl(), null, null))) {
            SharedPermits permits = new SharedPermits(node.jdbc());
            List<RateLimit> limit = List.of(new RateLimit(10, 2));
            List<Long> times = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                permits.await("acct-paced", limit);
                times.add((System.nanoTime() - start) / 1_000_000);
            }
            assertThat(times.get(4)).as("the first five at once " + times).isLessThan(400);
            for (int i = 5; i < 8; i++) {
                assertThat(times.get(i) - times.get(i - 1)).as("spaced after half the budget " + times).isGreaterThanOrEqualTo(150);
            }
        }
    }
}
