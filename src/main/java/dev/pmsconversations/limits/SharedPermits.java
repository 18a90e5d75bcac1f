package dev.pmsconversations.limits;

import dev.pmsconversations.store.Jdbc;
import java.time.Instant;
import java.util.List;

/**
 * Limits shared by every node on one PostgreSQL: each granted request is a row (key, database time); a request is
 * granted when, for every limit, fewer than {@code requests} rows of the key lie in the last {@code perSeconds}
 * (plus a margin for the trip to the PMS), and, once half of them are taken, the newest is {@code perSeconds /
 * requests} old (the rules of {@link GrantLog}, which counts for one node). Grants of one key are serialised with a
 * transaction-scoped advisory lock, so two nodes never both take the last permit of a window; other keys (accounts)
 * are not held up. The clock is the database's, so nodes whose clocks differ still count the same window.
 */
public final class SharedPermits implements RequestPermits {

    private final Jdbc jdbc;
    private final java.util.function.BooleanSupplier stopping;

    public SharedPermits(Jdbc jdbc) {
        this(jdbc, () -> false);
    }

    /** {@code stopping}: true once the runtime stops; a wait for a permit then ends ({@link PermitWaitStopped}). */
    public SharedPermits(Jdbc jdbc, java.util.function.BooleanSupplier stopping) {
        this.jdbc = jdbc;
        this.stopping = stopping;
    }

    /** One try: granted at {@code at} (the database's clock), or not ({@code at} null) and worth trying again in {@code waitMillis}. */
    record Attempt(Instant at, long waitMillis) {
    }

    @Override
    public void await(List<Counted> keys) {
        awaitGrant(keys);
    }

    /** {@link #await}, returning when the permit was granted by the database's clock, the one the limits are counted by. */
    Instant awaitGrant(String key, List<RateLimit> limits) {
        return awaitGrant(List.of(new Counted(key, limits)));
    }

    Instant awaitGrant(List<Counted> keys) {
        while (true) {
            Attempt attempt = tryGrant(keys);
            if (attempt.at() != null) {
                return attempt.at();
            }
            PermitWaitStopped.sleep(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Math.min(attempt.waitMillis(), 5_000)), keys.get(0).key(),
                    stopping);
        }
    }

    /** Grants one request, or says how many milliseconds until one could be granted. */
    Attempt tryGrant(String key, List<RateLimit> limits) {
        return tryGrant(List.of(new Counted(key, limits)));
    }

    /**
     * Grants one request under every key at once, or none: the keys' advisory locks are taken in the keys' order
     * (RequestPermits.keysOf sorts them), so two nodes never hold each other's.
     */
    private Attempt tryGrant(List<Counted> keys) {
        long[] wait = {0};
        Instant[] granted = {null};
        jdbc.transaction(() -> {
            for (Counted c : keys) {
                jdbc.query("select pg_advisory_xact_lock(hashtext(?))", rs -> null, "pms-permit:" + c.key());
            }
            for (Counted c : keys) {
                wait[0] = Math.max(wait[0], waitMillis(c.key(), c.limits()));
            }
            if (wait[0] == 0) {
                for (Counted c : keys) {
                    granted[0] = jdbc.query("insert into request_permit (permit_key, granted_at) values (?, clock_timestamp()) returning granted_at",
                            rs -> rs.next() ? rs.getTimestamp(1).toInstant() : null, c.key());
                    long longest = c.limits().stream().mapToLong(RateLimit::windowMillis).max().orElse(0);
                    jdbc.update("delete from request_permit where permit_key = ? and granted_at < clock_timestamp() - ? * interval '1 millisecond'",
                            c.key(), longest);
                }
            }
        });
        return new Attempt(granted[0], wait[0]);
    }

    /** Milliseconds until the key's limits allow one more request; 0 when they do now. */
    private long waitMillis(String key, List<RateLimit> limits) {
        long wait = 0;
        for (RateLimit limit : limits) {
            long windowMillis = limit.windowMillis();
            // the n-th newest grant of the window: while it exists, one more would make n + 1
            Long millis = jdbc.query("select cast(extract(epoch from (granted_at + ? * interval '1 millisecond' - clock_timestamp())) * 1000 as bigint) "
                            + "from request_permit where permit_key = ? and granted_at > clock_timestamp() - ? * interval '1 millisecond' "
                            + "order by granted_at desc offset ? limit 1",
                    rs -> rs.next() ? rs.getLong(1) : null, windowMillis, key, windowMillis, limit.requests() - 1);
            if (millis != null) {
                wait = Math.max(wait, Math.max(1, millis));
            }
            // past half the budget, grants are spaced perSeconds / requests apart (GrantLog: a saturated budget is
            // spread through the window, not spent in its first seconds)
            long spacingMillis = limit.perSeconds() * 1000L / limit.requests();
            Long paced = jdbc.query("select case when count(*) >= ? then cast(extract(epoch from (max(granted_at) + ? * interval '1 millisecond' "
                            + "- clock_timestamp())) * 1000 as bigint) end from request_permit where permit_key = ? "
                            + "and granted_at > clock_timestamp() - ? * interval '1 millisecond'",
                    rs -> rs.next() ? (Long) rs.getObject(1, Long.class) : null, Math.max(1, limit.requests() / 2), spacingMillis, key, windowMillis);
            if (paced != null && paced > 0) {
                wait = Math.max(wait, paced);
            }
        }
        return wait;
    }
}
