package dev.pmsconversations.store;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The sync side's dead letters (table dead_letter): threads that could not be read or mapped, list pages that could
 * not be read. A thread has one open dead letter per kind however often it fails again (occurrences count up); it is
 * RESOLVED by the next read that goes through, and can be asked to be read again ({@link #requestRetry}: dlq replay, a
 * changed source file), which any node of the store then does ({@link #claimDue}).
 */
public final class ReadFailures {
    /** Kinds that name a thread, so reading the thread again can resolve them. */
    public static final List<String> THREAD_KINDS = List.of("mapping", "thread");
    private static final String COLUMNS = "id, source, account_id, kind, reference, field, reason, status, occurrences, created_at, "
            + "coalesce(last_seen_at, created_at)";

    private final Jdbc jdbc;

    public ReadFailures(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** An open (or retrying) dead letter of the sync side; the native document is kept in the row, not here. */
    public record Failure(long id, String source, String accountId, String kind, String conversationId, String field, String reason,
                          String status, int occurrences, Instant createdAt, Instant lastSeenAt) {
    }

    /** A thread to read again, claimed by this node until {@code lease} runs out. */
    public record Retry(long id, String accountId, String conversationId) {
    }

    /**
     * Records a failure: a thread's open dead letter of that kind is updated with the latest reason and document and
     * counted once more (the thread's current problem); a list page's ({@code conversationId} null) is counted once more
     * only when it repeats the same reason (different problems of an account's pages stay apart); otherwise a new one is
     * opened. True when it is new (worth an error in the log), false when it repeats an open one.
     */
    public boolean record(String source, String accountId, String kind, String conversationId, String field, String reason,
                          String payload) {
        Timestamp now = Timestamp.from(Instant.now());
        String ref = Jdbc.truncate(conversationId, 512);
        List<Object> params = new ArrayList<>();
        String text = Jdbc.truncate(reason, 4000);
        java.util.Collections.addAll(params, text, field, payload, now, accountId, kind, ref == null ? text : ref);
        int updated = jdbc.update("update dead_letter set reason = ?, field = ?, payload = ?, occurrences = occurrences + 1, "
                + "last_seen_at = ?, status = 'OPEN', retry_at = null where account_id = ? and kind = ? and "
                + (ref == null ? "reference is null and reason = ?" : "reference = ?") + " and status in ('OPEN', 'RETRY')", params.toArray());
        if (updated > 0) {
            return false;
        }
        jdbc.update("insert into dead_letter (source, account_id, kind, reference, field, reason, payload, created_at, last_seen_at, "
                + "status, occurrences) values (?,?,?,?,?,?,?,?,?,'OPEN',1)",
                source, accountId, kind, ref, field, Jdbc.truncate(reason, 4000), payload, now, now);
        return true;
    }

    /** The thread went through: its open dead letters are resolved. Returns how many. */
    public int resolveThread(String accountId, String conversationId) {
        return jdbc.update("update dead_letter set status = 'RESOLVED', retry_at = null, last_seen_at = ? where account_id = ? "
                + "and reference = ? and kind in ('mapping', 'thread') and status in ('OPEN', 'RETRY')",
                Timestamp.from(Instant.now()), accountId, conversationId);
    }

    /** A poll read every page: the account's open page failures are resolved. */
    public int resolvePages(String accountId) {
        return jdbc.update("update dead_letter set status = 'RESOLVED', last_seen_at = ? where account_id = ? and kind = 'page' "
                + "and status = 'OPEN'", Timestamp.from(Instant.now()), accountId);
    }

    /**
     * Asks for the threads of open dead letters to be read again: of {@code accounts} (null: every account), or only
     * dead letter {@code id}. Returns how many were asked for.
     */
    public int requestRetry(Collection<String> accounts, Long id) {
        if (accounts != null && accounts.isEmpty()) {
            return 0;
        }
        List<Object> params = new ArrayList<>(List.of(Timestamp.from(Instant.now())));
        return jdbc.update("update dead_letter set status = 'RETRY', retry_at = ? where status = 'OPEN' and kind in ('mapping', 'thread') "
                + "and reference is not null" + narrow(accounts, id, params), params.toArray());
    }

    /** Claims up to {@code limit} threads asked to be read again (or whose earlier claim's lease ran out). */
    public List<Retry> claimDue(int limit, Duration lease) {
        Instant now = Instant.now();
        List<Object[]> due = jdbc.list("select id, account_id, reference, retry_at from dead_letter where status = 'RETRY' and retry_at <= ? "
                + "order by id limit ?", rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4)},
                Timestamp.from(now), limit);
        List<Retry> claimed = new ArrayList<>();
        for (Object[] d : due) {
            // compare-and-set on the lease: of several nodes, one reads the thread
            if (jdbc.update("update dead_letter set retry_at = ? where id = ? and status = 'RETRY' and retry_at = ?",
                    Timestamp.from(now.plus(lease)), d[0], d[3]) == 1) {
                claimed.add(new Retry((Long) d[0], (String) d[1], (String) d[2]));
            }
        }
        return claimed;
    }

    /** Open and retrying dead letters of {@code accounts} (null: every account), oldest first. */
    public List<Failure> open(Collection<String> accounts) {
        if (accounts != null && accounts.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>();
        return jdbc.list("select " + COLUMNS + " from dead_letter where status in ('OPEN', 'RETRY')" + narrow(accounts, null, params)
                + " order by id", ReadFailures::read, params.toArray());
    }

    public Optional<Failure> find(long id) {
        return jdbc.list("select " + COLUMNS + " from dead_letter where id = ?", ReadFailures::read, id).stream().findFirst();
    }

    private static Failure read(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Failure(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getInt(9), rs.getTimestamp(10).toInstant(), rs.getTimestamp(11).toInstant());
    }

    private static String narrow(Collection<String> accounts, Long id, List<Object> params) {
        StringBuilder sql = new StringBuilder(Jdbc.andIn("account_id", accounts, params));
        if (id != null) {
            sql.append(" and id = ?");
            params.add(id);
        }
        return sql.toString();
    }
}
