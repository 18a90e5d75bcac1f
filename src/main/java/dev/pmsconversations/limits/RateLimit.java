package dev.pmsconversations.limits;

/** A PMS's published limit: at most {@code requests} requests per {@code perSeconds} seconds (a source file's api.rateLimit). */
public record RateLimit(int requests, int perSeconds) {
    /**
     * Requests granted a window apart reach the PMS closer together when the first one travels slower: the window the
     * permits count is this much longer than the published one, on one node ({@link LocalPermits}) and across nodes
     * ({@link SharedPermits}). Without it a first sync paced at 20 per second met 2 answers of 429 (BackfillLimitTest).
     */
    public static final long TRIP_MARGIN_MILLIS = 150;

    /** The window the permits count: the published one plus {@link #TRIP_MARGIN_MILLIS}. */
    public long windowMillis() {
        return perSeconds * 1000L + TRIP_MARGIN_MILLIS;
    }
}
