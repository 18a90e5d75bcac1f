package dev.pmsconversations.outbox;

import dev.pmsconversations.store.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outbox table. State changes are compare-and-set updates ({@code where status = ...}), so two workers
 * (threads or nodes) can never both claim the same message: the database picks one.
 */
public final class OutboxStore {
    private static final String COLUMNS = "id, account_id, source, conversation_id, reservation_id, idempotency_key, request_hash, "
            + "message_type, subject, body, attachments, status, needs_check, attempts, last_error, pms_message_id, created_at, "
            + "updated_at, next_attempt_at";
    private final Jdbc jdbc;

    public OutboxStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a new PENDING entry; false when the account already has one with this idempotency key. */
    public boolean insert(OutboxEntry e) {
        return jdbc.insertIfAbsent("insert into outbox (" + COLUMNS + ") values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                e.id(), e.accountId(), e.source(), e.conversationId(), e.reservationId(), e.idempotencyKey(), e.requestHash(),
                e.type(), e.subject(), e.body(), e.attachments(), e.status().name(), e.needsCheck(), e.attempts(), e.lastError(),
                e.pmsMessageId(), ts(e.createdAt()), ts(e.updatedAt()), ts(e.nextAttemptAt()));
    }

    public Optional<OutboxEntry> byKey(String accountId, String idempotencyKey) {
        return one("select " + COLUMNS + " from outbox where account_id = ? and idempotency_key = ?", accountId, idempotencyKey);
    }

    public Optional<OutboxEntry> byId(String id) {
        return one("select " + COLUMNS + " from outbox where id = ?", id);
    }

    /** PMS message ids already claimed by other sent entries of the conversation (a lookup must not reuse them). */
    public List<String> sentMessageIds(String accountId, String conversationId) {
        return jdbc.list("select pms_message_id from outbox where account_id = ? and conversation_id = ? and pms_message_id is not null",
                rs -> rs.getString(1), accountId, conversationId);
    }

    /**
     * Ids worth an attempt now: PENDING and due, or SENDING for longer than {@code leaseExpiredBefore}
     * (the worker died mid-call; its outcome is unknown).
     */
    public List<String> due(Instant now, Instant leaseExpiredBefore, int limit) {
        // "status in" first: the index (status, …) then skips the sent rows, which only grow
        return jdbc.list("select id from outbox where status in ('PENDING', 'SENDING') and ((status = 'PENDING' and next_attempt_at <= ?) "
                + "or (status = 'SENDING' and updated_at < ?)) order by created_at limit ?", rs -> rs.getString(1),
                ts(now), ts(leaseExpiredBefore), limit);
    }

    /**
     * Claims by primary key only: {@code coalesce(status, '')} keeps H2 from planning them through the (status, next_attempt_at)
     * index, which it does for a statement first prepared on an empty table and then keeps (see WebhookInbox.CLAIM).
     */
    public static final String CLAIM = "update outbox set status = 'SENDING', attempts = attempts + 1, claim_token = ?, updated_at = ? "
            + "where id = ? and coalesce(status, '') = 'PENDING' and next_attempt_at <= ?";
    public static final String RECLAIM_STALE = "update outbox set needs_check = ?, claim_token = ?, updated_at = ? where id = ? "
            + "and coalesce(status, '') = 'SENDING' and updated_at < ?";

    /** PENDING (due) -> SENDING under {@code token}. True if this caller won the claim. */
    public boolean claim(String id, String token, Instant now) {
        return jdbc.update(CLAIM, token, ts(now), id, ts(now)) == 1;
    }

    /** A SENDING entry whose worker vanished: take it over under {@code token}, and check the PMS before any re-send. */
    public boolean reclaimStale(String id, String token, Instant now, Instant leaseExpiredBefore) {
        return jdbc.update(RECLAIM_STALE, true, token, ts(now), id, ts(leaseExpiredBefore)) == 1;
    }

    /**
     * Renews the claim right before the send call: true while it is still this worker's ({@code token}), false when
     * another worker took it over meanwhile (this one's checks took longer than the lease): then it must not send.
     */
    public boolean renew(String id, String token, Instant now) {
        return jdbc.update("update outbox set updated_at = ? where id = ? and status = 'SENDING' and claim_token = ?", ts(now), id, token) == 1;
    }

    public void sent(String id, String pmsMessageId, Instant now) {
        jdbc.update("update outbox set status = 'SENT', needs_check = ?, pms_message_id = ?, last_error = null, updated_at = ? where id = ?",
                false, pmsMessageId, ts(now), id);
    }

    /** Back to PENDING for a later attempt; {@code needsCheck} when the PMS may have accepted it. */
    public void retryLater(String id, String error, boolean needsCheck, Instant next, Instant now) {
        jdbc.update("update outbox set status = 'PENDING', needs_check = ?, last_error = ?, next_attempt_at = ?, updated_at = ? where id = ?",
                needsCheck, Jdbc.truncate(error, 4000), ts(next), ts(now), id);
    }

    public void failed(String id, String error, Instant now) {
        jdbc.update("update outbox set status = 'FAILED', needs_check = ?, last_error = ?, updated_at = ? where id = ?",
                false, Jdbc.truncate(error, 4000), ts(now), id);
    }

    /**
     * Entries by status (PENDING, SENDING, SENT, FAILED), of every account ({@code accounts} null) or of these only
     * (the status page; missing statuses have none).
     */
    public java.util.Map<String, Long> countsByStatus(java.util.Collection<String> accounts) {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        if (accounts == null || !accounts.isEmpty()) {
            jdbc.list("select status, count(*) from outbox" + ofAccounts(accounts, " where ") + " group by status",
                    rs -> counts.put(rs.getString(1), rs.getLong(2)), params(accounts));
        }
        return counts;
    }

    /** The {@code limit} entries that FAILED last, newest first, of every account ({@code accounts} null) or of these only. */
    public List<OutboxEntry> recentFailures(java.util.Collection<String> accounts, int limit) {
        if (accounts != null && accounts.isEmpty()) {
            return List.of();
        }
        List<Object> params = new java.util.ArrayList<>(List.of(params(accounts)));
        params.add(limit);
        return jdbc.list("select " + COLUMNS + " from outbox where status = 'FAILED'" + ofAccounts(accounts, " and ")
                + " order by updated_at desc limit ?", OutboxStore::read, params.toArray());
    }

    private static String ofAccounts(java.util.Collection<String> accounts, String join) {
        return accounts == null ? "" : join + "account_id in (" + Jdbc.placeholders(accounts.size()) + ")";
    }

    private static Object[] params(java.util.Collection<String> accounts) {
        return accounts == null ? new Object[0] : accounts.toArray();
    }

    private Optional<OutboxEntry> one(String sql, Object... params) {
        return jdbc.query(sql, rs -> rs.next() ? Optional.of(read(rs)) : Optional.empty(), params);
    }

    private static OutboxEntry read(ResultSet rs) throws SQLException {
        return new OutboxEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                OutboxEntry.Status.valueOf(rs.getString(12)), rs.getBoolean(13), rs.getInt(14), rs.getString(15), rs.getString(16),
                instant(rs.getTimestamp(17)), instant(rs.getTimestamp(18)), instant(rs.getTimestamp(19)));
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
