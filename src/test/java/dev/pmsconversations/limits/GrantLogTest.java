package dev.pmsconversations.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A caller that always wants one more request (a saturated budget), on a simulated clock: the limit holds in every
 * sliding window, half the budget goes at once, and after the first window grants come evenly spaced.
 */
class GrantLogTest {
    private static final long SECOND = 1_000_000_000L;

    /** Grants taken as soon as allowed, from 0 until {@code until}. */
    private static List<Long> greedy(GrantLog log, long until) {
        List<Long> grants = new ArrayList<>();
        long now = 0;
        while (now < until) {
            long wait = log.waitNanos(now);
            if (wait == 0) {
                log.grant(now);
                grants.add(now);
            } else {
                assertThat(wait).isPositive();
                now += wait;
            }
        }
        return grants;
    }

    /** The most grants in any window of that length (times sorted; also SharedPermitsTest's check). */
    static int maxInWindow(List<Long> sorted, long window) {
        int max = 0;
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(j) >= window) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        return max;
    }

    @Test
    void neverMoreThanTheLimitInAnyWindowAndTheBudgetIsUsed() {
        for (int requests : new int[] {1, 2, 5, 16, 1000}) {
            List<Long> grants = greedy(new GrantLog(requests, 60 * SECOND), 600 * SECOND);
            assertThat(maxInWindow(grants, 60 * SECOND)).as(requests + " per minute").isEqualTo(requests);
            // ten windows: all but the first half-window's worth of the budget (the burst's window is followed by a gap)
            assertThat(grants.size()).as(requests + " per minute, grants in 10 min").isGreaterThanOrEqualTo(10 * requests - requests / 2 - 1);
        }
    }

    @Test
    void halfTheBudgetAtOnceThenEvenlySpaced() {
        List<Long> grants = greedy(new GrantLog(1000, 60 * SECOND), 300 * SECOND);
        long spacing = 60 * SECOND / 1000;
        assertThat(grants.subList(0, 500)).as("the first half of the budget at once").allMatch(t -> t == 0);
        assertThat(grants.get(500)).isEqualTo(spacing);
        // a fixed window would grant all 1,000 at 0 s, 60 s, 120 s... and nothing in between
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < grants.size(); i++) {
            if (grants.get(i - 1) >= 60 * SECOND) {
                gaps.add(grants.get(i) - grants.get(i - 1));
            }
        }
        assertThat(gaps).as("after the first minute").isNotEmpty().allMatch(g -> g <= spacing);
        assertThat(grants.stream().filter(t -> t >= 60 * SECOND && t < 120 * SECOND)).hasSizeBetween(999, 1000);
    }

    @Test
    void aQuietSpellAllowsABurstAgain() {
        GrantLog log = new GrantLog(10, SECOND);
        for (int i = 0; i < 5; i++) {
            assertThat(log.waitNanos(0)).isZero();
            log.grant(0);
        }
        assertThat(log.waitNanos(0)).as("the sixth waits the spacing").isEqualTo(SECOND / 10);
        long later = 5 * SECOND;
        for (int i = 0; i < 5; i++) {
            assertThat(log.waitNanos(later)).isZero();
            log.grant(later);
        }
        assertThat(log.waitNanos(later)).isEqualTo(SECOND / 10);
    }
}
