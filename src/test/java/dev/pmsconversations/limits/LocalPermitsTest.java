package dev.pmsconversations.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Threads of one node share an account's limits: all limits grant together, and another account is not held up.
 * The permits run on a clock the test moves by hand, so what is granted when is exact, however loaded the machine.
 */
class LocalPermitsTest {
    private static final long SECOND = 1_000_000_000L;

    /** A clock that stands still until the test moves it; it counts each thread's readings of the current time. */
    private static final class HandClock implements LongSupplier {
        private long now;
        private final Map<Thread, Integer> readingsOfNow = new HashMap<>();

        @Override
        public synchronized long getAsLong() {
            readingsOfNow.merge(Thread.currentThread(), 1, Integer::sum);
            return now;
        }

        synchronized void set(long nanos) {
            now = nanos;
            readingsOfNow.clear();
        }

        synchronized int readingsOfNow(Thread t) {
            return readingsOfNow.getOrDefault(t, 0);
        }
    }

    private final HandClock clock = new HandClock();
    private final AtomicInteger granted = new AtomicInteger();
    private final List<Thread> callers = new ArrayList<>();

    @Test
    void threadsOfOneAccountStayUnderEveryLimitTogether() throws Exception {
        // 3 per second and 4 per 2 s, by GrantLog's rules, each window counted RateLimit.TRIP_MARGIN_MILLIS longer (w1 =
        // 1.15 s, w2 = 2.15 s): up to half of a budget at once, then spaced window / requests apart, never more than the
        // limit in any window. So: the 1st at 0; the 2nd w1/3 later (3 per s past its half); the 3rd w2/4 after that (4
        // per 2 s past its half); the 4th w2/4 later again (3 per s would allow it at w1); the 5th at w2, when the 1st
        // leaves the 2 s window.
        List<RateLimit> limits = List.of(new RateLimit(3, 1), new RateLimit(4, 2));
        long w1 = SECOND + RateLimit.TRIP_MARGIN_MILLIS * 1_000_000;
        long w2 = 2 * SECOND + RateLimit.TRIP_MARGIN_MILLIS * 1_000_000;
        long[] grantsAt = {0, w1 / 3, w1 / 3 + w2 / 4, w1 / 3 + 2 * (w2 / 4), w2};
        LocalPermits permits = new LocalPermits(clock);
        clock.set(0);
        for (int i = 0; i < grantsAt.length; i++) {
            Thread t = new Thread(() -> {
                permits.await("acct-1", limits);
                granted.incrementAndGet();
            }, "caller-" + i);
            t.setDaemon(true);
            t.start();
            callers.add(t);
        }
        settle();
        assertThat(granted.get()).as("granted at 0 s").isEqualTo(1);

        // the clock stands still: acct-1's four waiting threads can get nothing, and acct-2 gets its permit at once
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> permits.await("acct-2", limits));
        other.get(30, TimeUnit.SECONDS); // held up behind acct-1, it would wait for ever
        settle();
        assertThat(granted.get()).as("acct-2's permit took none of acct-1's").isEqualTo(1);

        for (int i = 1; i < grantsAt.length; i++) {
            clock.set(grantsAt[i] - 1);
            settle();
            assertThat(granted.get()).as("granted just before %d ns", grantsAt[i]).isEqualTo(i);
            clock.set(grantsAt[i]);
            settle();
            assertThat(granted.get()).as("granted at %d ns", grantsAt[i]).isEqualTo(i + 1);
        }
    }

    /**
     * Waits until what the permits grant at the clock's current time is final: each caller has its permit, or has
     * read this time twice (so it was refused at it once; more grants at the same time only make a refusal likelier).
     */
    private void settle() {
        await("every caller granted, or refused at the clock's time").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> callers.stream().allMatch(t -> !t.isAlive() || clock.readingsOfNow(t) >= 2));
    }
}
