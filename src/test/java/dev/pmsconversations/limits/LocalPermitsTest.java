package dev.pmsconversations.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Threads of one node share an account's limits: all limits grant together, and another account is not held up. */
class LocalPermitsTest {

    @Test
    void threadsOfOneAccountStayUnderEveryLimitTogether() throws Exception {
        // 3 per second and 4 per 2 s: in 1.5 s at most 4 grants (any 2 s hold 4), at least 3 (the budget is used)
        List<RateLimit> limits = List.of(new RateLimit(3, 1), new RateLimit(4, 2));
        RequestPermits permits = RequestPermits.local();
        AtomicInteger granted = new AtomicInteger();
        long end = System.nanoTime() + 1_500_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    permits.await("acct-1", limits);
                    if (System.nanoTime() < end) {
                        granted.incrementAndGet();
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Thread.sleep(200);
        long other = System.nanoTime();
        permits.await("acct-2", limits);
        assertThat((System.nanoTime() - other) / 1_000_000).as("another account waited (ms)").isLessThan(100);
        for (Thread t : threads) {
            t.join(5_000);
        }
        assertThat(granted.get()).isBetween(3, 4);
    }
}
