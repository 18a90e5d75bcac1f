package dev.pmsconversations.limits;

/**
 * A PMS's published limit: at most {@code requests} requests per {@code perSeconds} seconds (a source file's
 * api.rateLimit), counted over what its {@code scope} says: one account's requests, or every request this deployment
 * makes to the PMS (a limit per IP address or per application).
 */
public record RateLimit(int requests, int perSeconds, Scope scope) {

    /** What a PMS counts a limit over. */
    public enum Scope {
        /** Each account's requests alone (its token, its account id). */
        ACCOUNT,
        /**
         * The requests of every account of the source from this deployment's address: counted across the cluster on
         * PostgreSQL, as nodes behind one egress address (NAT) are one client to the PMS.
         */
        IP,
        /** The requests of every account made with this deployment's application credentials (a partner app's quota). */
        APP
    }

    public RateLimit(int requests, int perSeconds) {
        this(requests, perSeconds, Scope.ACCOUNT);
    }

    /**
     * Requests granted a window apart reach the PMS closer together when the first one travels slower: the window the
     * permits count is longer than the published one by this much at least, on one node ({@link LocalPermits}) and
     * across nodes ({@link SharedPermits}). Without it a first sync paced at 20 per second met 2 answers of 429
     * (BackfillLimitTest).
     */
    public static final long TRIP_MARGIN_MILLIS = 150;

    /**
     * The window the permits count: the published one plus {@link #TRIP_MARGIN_MILLIS}, or 1 % of it when that is more.
     * On a loaded machine the time from a grant to its request's arrival varied by more than 150 ms (bench/backfill:
     * Smoobu's 1,000 per minute, one 429 that came 65 ms early); a 429 costs the whole Retry-After (a minute there, 5
     * minutes at Beds24), 1 % of the window costs 1 % of the throughput.
     */
    public long windowMillis() {
        return perSeconds * 1000L + Math.max(TRIP_MARGIN_MILLIS, perSeconds * 10L);
    }

    /** The key the permits count this limit under, for an account of a source: the account's own, or the source's. */
    public String key(String sourceKey, String accountKey) {
        return switch (scope) {
            case ACCOUNT -> accountKey;
            case IP -> sourceKey + "@ip";
            case APP -> sourceKey + "@app";
        };
    }
}
