package dev.pmsconversations.delivery;

import dev.pmsconversations.store.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The delivery table: one row per (sink, event). Claims are compare-and-set updates that also re-check
 * the order rule (no older undelivered event of the same conversation for the same sink).
 */
public final class DeliveryStore {
    private static final String COLUMNS = "id, sink, event_id, account_id, source, conversation_id, event_type, event, status, "
            + "attempts, last_error, created_at, updated_at, next_attempt_at";
    /** True when an older event of the row's conversation is still on its way to the same sink. */
    private static final String OLDER_WAITING = "exists (select 1 from delivery o where o.sink = d.sink and o.account_id = d.account_id "
            + "and o.conversation_id = d.conversation_id and o.id < d.id and o.status in ('PENDING', 'SENDING'))";
    private final Jdbc jdbc;

    public DeliveryStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Deliveries per sink and status, keyed {@code <sink>/<STATUS>} (status page, metrics, health). */
    public java.util.Map<String, Long> countsBySinkAndStatus() {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.list("select sink, status, count(*) from delivery group by sink, status",
                rs -> counts.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3)));
        return counts;
    }

    /** As {@link #countsBySinkAndStatus()}, over the deliveries of these accounts only (a token limited to them). */
    public java.util.Map<String, Long> countsBySinkAndStatus(java.util.Collection<String> accounts) {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        if (!accounts.isEmpty()) {
            // led by account_id: the (account_id, status) index answers it without reading other accounts' rows
            jdbc.list("select sink, status, count(*) from delivery where account_id in (" + Jdbc.placeholders(accounts.size())
                    + ") group by sink, status", rs -> counts.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3)),
                    accounts.toArray());
        }
        return counts;
    }

    /** One queued delivery. */
    public record Row(long id, String sink, String eventId, String accountId, String source, String conversationId,
                      String eventType, String event, String status, int attempts, String lastError, Instant createdAt,
                      Instant updatedAt, Instant nextAttemptAt) {
    }

    /**
     * Queues an event for a sink unless it is queued already (same sink, same event id); returns the new row's id,
     * empty when it was queued already.
     */
    public java.util.OptionalLong enqueue(String sink, String eventId, String accountId, String source, String conversationId,
                                          String eventType, String event, Instant now) {
        Timestamp t = Timestamp.from(now);
        return jdbc.updateReturningId("insert into delivery (sink, event_id, account_id, source, conversation_id, event_type, event, status, attempts, "
                + "created_at, updated_at, next_attempt_at) select ?,?,?,?,?,?,?,'PENDING',0,?,?,? where not exists "
                + "(select 1 from delivery where sink = ? and event_id = ?)", sink, eventId, accountId, source, conversationId,
                eventType, event, t, t, t, sink, eventId);
    }

    /** A queued row and its sink. */
    public record Queued(long id, String sink) {
    }

    /** The rows of one event (one per sink it was queued for). */
    public List<Queued> rowsOfEvent(String eventId) {
        return jdbc.list("select id, sink from delivery where event_id = ? order by id", rs -> new Queued(rs.getLong(1), rs.getString(2)),
                eventId);
    }

    /**
     * Rows of a sink ready for an attempt by the drain route: due, the oldest of their conversation, or
     * abandoned mid-attempt. A fresh row (never attempted, queued after {@code freshAfter}) is left to the
     * attempt that follows its queueing, so the two do not race for it.
     */
    public List<Long> due(String sink, Instant now, Instant leaseExpiredBefore, Instant freshAfter, int limit) {
        // "status in" beside the "or": so the index (sink, status, …) reads only the undelivered rows, not every
        // delivered one of the sink
        return jdbc.list("select d.id from delivery d where d.sink = ? and d.status in ('PENDING', 'SENDING') "
                + "and ((d.status = 'PENDING' and d.next_attempt_at <= ? "
                + "and (d.attempts > 0 or d.created_at < ?)) or (d.status = 'SENDING' and d.updated_at < ?)) and not " + OLDER_WAITING
                + " order by d.id limit ?", rs -> rs.getLong(1), sink, ts(now), ts(freshAfter), ts(leaseExpiredBefore), limit);
    }

    /** The claim, by primary key (StorePlansTest). */
    public static final String CLAIM = "update delivery d set status = 'SENDING', attempts = attempts + 1, updated_at = ? where d.id = ? "
            + "and ((d.status = 'PENDING' and d.next_attempt_at <= ?) or (d.status = 'SENDING' and d.updated_at < ?)) and not " + OLDER_WAITING;

    /** PENDING (due, first of its conversation) or abandoned SENDING -> SENDING. True if this caller won it. */
    public boolean claim(long id, Instant now, Instant leaseExpiredBefore) {
        return jdbc.update(CLAIM, ts(now), id, ts(now), ts(leaseExpiredBefore)) == 1;
    }

    /** Attempts made so far (the current one counted once claimed). */
    public int attempts(long id) {
        return jdbc.query("select attempts from delivery where id = ?", rs -> rs.next() ? rs.getInt(1) : 0, id);
    }

    public Optional<Row> row(long id) {
        return jdbc.list("select " + COLUMNS + " from delivery where id = ?", DeliveryStore::read, id).stream().findFirst();
    }

    public void delivered(long id, Instant now) {
        jdbc.update("update delivery set status = 'DELIVERED', last_error = null, updated_at = ? where id = ?", ts(now), id);
    }

    public void retryLater(long id, String error, Instant next, Instant now) {
        jdbc.update("update delivery set status = 'PENDING', last_error = ?, next_attempt_at = ?, updated_at = ? where id = ?",
                Jdbc.truncate(error, 4000), ts(next), ts(now), id);
    }

    public void dead(long id, String error, Instant now) {
        jdbc.update("update delivery set status = 'DEAD', last_error = ?, updated_at = ? where id = ?", Jdbc.truncate(error, 4000), ts(now), id);
    }

    /** Dead letters of the sinks, oldest first; {@code sink}/{@code id}/{@code accounts} null = any. */
    public List<Row> dead(String sink, Long id, java.util.Collection<String> accounts) {
        if (accounts != null && accounts.isEmpty()) {
            return List.of();
        }
        List<Object> params = new java.util.ArrayList<>();
        return jdbc.list("select " + COLUMNS + " from delivery where status = 'DEAD'" + narrow(sink, id, accounts, params) + " order by id",
                DeliveryStore::read, params.toArray());
    }

    /** Extra conditions for an optional sink, row id and accounts (null = any). */
    private static String narrow(String sink, Long id, java.util.Collection<String> accounts, List<Object> params) {
        StringBuilder sql = new StringBuilder(Jdbc.andIn("account_id", accounts, params));
        if (sink != null) {
            sql.append(" and sink = ?");
            params.add(sink);
        }
        if (id != null) {
            sql.append(" and id = ?");
            params.add(id);
        }
        return sql.toString();
    }

    /** Puts dead letters back in the queue (attempts start again); returns how many. Null filters = any. */
    public int replay(String sink, Long id, java.util.Collection<String> accounts, Instant now) {
        if (accounts != null && accounts.isEmpty()) {
            return 0;
        }
        List<Object> params = new java.util.ArrayList<>(List.of(ts(now), ts(now)));
        return jdbc.update("update delivery set status = 'PENDING', attempts = 0, next_attempt_at = ?, updated_at = ? "
                + "where status = 'DEAD'" + narrow(sink, id, accounts, params), params.toArray());
    }

    /** Events of an account not yet delivered to some sink (the backlog that can hold polling back). */
    public int backlog(String accountId) {
        return jdbc.query("select count(*) from delivery where account_id = ? and status in ('PENDING', 'SENDING')", rs -> {
            rs.next();
            return rs.getInt(1);
        }, accountId);
    }

    private static Row read(ResultSet rs) throws SQLException {
        return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10), rs.getString(11), rs.getTimestamp(12).toInstant(),
                rs.getTimestamp(13).toInstant(), rs.getTimestamp(14).toInstant());
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }
}
