package dev.pmsconversations.limits;

/**
 * The requests granted under one limit ({@code requests} per {@code perSeconds}) of one key, in this JVM. Two rules,
 * the same as {@link SharedPermits} counts across nodes:
 * <ul>
 * <li>never more than {@code requests} in any {@code perSeconds} (a sliding window: a fixed window lets twice the
 * limit through around its boundary, which a PMS counting a sliding window answers with 429s);</li>
 * <li>up to half the budget goes at once (a first sync, a burst after a quiet spell); beyond half, grants are spaced
 * {@code perSeconds / requests} apart. A saturated budget is then spread through the window instead of spent in its
 * first seconds: waiting work gets a steady turn, not a minute of silence, and the node's CPU and the PMS see an
 * even load.</li>
 * </ul>
 * Times are in nanoseconds of any monotonic clock. Not thread-safe: callers hold the key's lock. The grants are a
 * ring of primitive longs (an account at a 1-minute schedule under a 1,000-per-hour limit keeps ~60).
 */
final class GrantLog {
    private final int requests;
    private final long windowNanos;
    private final long spacingNanos;
    private long[] times = new long[4];
    private int head;
    private int size;

    GrantLog(int requests, long windowNanos) {
        if (requests < 1 || windowNanos < 1) {
            throw new IllegalArgumentException("a rate limit needs at least 1 request per a positive time: " + requests + " per " + windowNanos + " ns");
        }
        this.requests = requests;
        this.windowNanos = windowNanos;
        this.spacingNanos = windowNanos / requests;
    }

    /** Nanoseconds until one more request may be granted at {@code now}; 0 when it may be now. */
    long waitNanos(long now) {
        while (size > 0 && now - times[head] >= windowNanos) { // out of the window
            head = (head + 1) % times.length;
            size--;
        }
        if (size >= requests) {
            return times[head] + windowNanos - now;
        }
        if (size > 0 && size >= requests / 2) {
            return Math.max(0, times[(head + size - 1) % times.length] + spacingNanos - now);
        }
        return 0;
    }

    /** Records a grant at {@code now} (after {@link #waitNanos} said 0). */
    void grant(long now) {
        if (size == times.length) {
            long[] grown = new long[Math.min(requests, times.length * 2)]; // full below the limit: requests > length
            for (int i = 0; i < size; i++) {
                grown[i] = times[(head + i) % times.length];
            }
            times = grown;
            head = 0;
        }
        times[(head + size) % times.length] = now;
        size++;
    }
}
