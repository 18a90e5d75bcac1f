package dev.pmsconversations.webhook;

import dev.pmsconversations.store.Jdbc;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The webhook_event table: accepted deliveries, stored before the 2xx, processed at least once. */
public final class WebhookInbox {
    private final Jdbc jdbc;

    public WebhookInbox(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored delivery. */
    public record Event(long id, String accountId, String source, String conversationId, String status, int attempts) {
    }

    /** A stored delivery: {@code covered} when an earlier one of the same conversation, still waiting, reads for it. */
    public record Stored(long id, boolean covered) {
    }

    /** Waiting deliveries (never attempted) of a conversation; by the (account, conversation, status) index. */
    public static final String WAITING = "select id from webhook_event where account_id = ? and conversation_id = ? "
            + "and status = 'RECEIVED' and attempts = 0 limit 1";

    /**
     * Stores a delivery; empty when the same delivery (same dedupe key) was stored before. When the conversation
     * already has a delivery that was never attempted, the new one is stored COVERED and not processed: that
     * earlier delivery's thread read starts after now, so it reads this delivery's message too (the PMS has the
     * message before it sends the webhook). A burst of webhooks for one thread then costs one read, not one each.
     */
    public Optional<Stored> store(String accountId, String source, String dedupeKey, String conversationId, String payload, Instant now) {
        boolean covered = !jdbc.list(WAITING, rs -> rs.getLong(1), accountId, conversationId).isEmpty();
        java.util.OptionalLong id = jdbc.insertIfAbsentReturningId("insert into webhook_event (account_id, source, dedupe_key, conversation_id, "
                + "payload, status, attempts, received_at) values (?,?,?,?,?,?,0,?)", accountId, source, Jdbc.truncate(dedupeKey, 256),
                conversationId, payload, covered ? "COVERED" : "RECEIVED", Timestamp.from(now));
        return id.isPresent() ? Optional.of(new Stored(id.getAsLong(), covered)) : Optional.empty();
    }

    /**
     * Deliveries by status (RECEIVED, COVERED, PROCESSING, DONE, FAILED), of every account ({@code accounts} null)
     * or of these only (the status page; missing statuses have none).
     */
    public java.util.Map<String, Long> countsByStatus(java.util.Collection<String> accounts) {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        if (accounts == null) {
            jdbc.list("select status, count(*) from webhook_event group by status", rs -> counts.put(rs.getString(1), rs.getLong(2)));
        } else if (!accounts.isEmpty()) {
            jdbc.list("select status, count(*) from webhook_event where account_id in (" + Jdbc.placeholders(accounts.size())
                    + ") group by status", rs -> counts.put(rs.getString(1), rs.getLong(2)), accounts.toArray());
        }
        return counts;
    }

    public Optional<Event> byKey(String accountId, String dedupeKey) {
        return jdbc.list(EVENT + " where account_id = ? and dedupe_key = ?", WebhookInbox::event, accountId,
                Jdbc.truncate(dedupeKey, 256)).stream().findFirst();
    }

    private static final String EVENT = "select id, account_id, source, conversation_id, status, attempts from webhook_event";

    private static Event event(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6));
    }

    /**
     * The claim, by primary key only. {@code coalesce(status, '')}, not {@code status}: H2 plans a statement when a
     * connection first prepares it and keeps the plan; prepared on an empty table, a plain {@code status = …} went
     * through the (status, received_at) index, and later each claim walked the whole backlog of RECEIVED rows
     * (seconds-long webhook stalls at ~80,000 waiting). H2 reduces {@code status || ''} to {@code status}, so that
     * does not do. StorePlansTest checks the plan on an empty store.
     */
    public static final String CLAIM = "update webhook_event set status = 'PROCESSING', attempts = attempts + 1, processed_at = ? "
            + "where id = ? and coalesce(status, '') = 'RECEIVED'";

    /** RECEIVED -> PROCESSING; true if this caller won it. */
    public Optional<Event> claim(long id, Instant now) {
        if (jdbc.update(CLAIM, Timestamp.from(now), id) != 1) {
            return Optional.empty();
        }
        return jdbc.list(EVENT + " where id = ?", WebhookInbox::event, id).stream().findFirst();
    }

    public void done(long id, Instant now) {
        jdbc.update("update webhook_event set status = 'DONE', last_error = null, processed_at = ? where id = ?", Timestamp.from(now), id);
    }

    public void retry(long id, String error) {
        jdbc.update("update webhook_event set status = 'RECEIVED', last_error = ? where id = ?", Jdbc.truncate(error, 4000), id);
    }

    public void failed(long id, String error, Instant now) {
        jdbc.update("update webhook_event set status = 'FAILED', last_error = ?, processed_at = ? where id = ?",
                Jdbc.truncate(error, 4000), Timestamp.from(now), id);
    }

    /**
     * Deliveries to (re)process: RECEIVED ones not touched since {@code before} (a retry, or one whose
     * processing was lost with its node), and PROCESSING ones abandoned before {@code staleBefore}.
     */
    public List<Long> pending(Instant before, Instant staleBefore, int limit) {
        jdbc.update("update webhook_event set status = 'RECEIVED' where status = 'PROCESSING' and processed_at < ?", Timestamp.from(staleBefore));
        // received_at in the condition and the order (not coalesce(...), not id): the (status, received_at) index then
        // yields the oldest rows first and the query stops at the limit, however large the backlog
        return jdbc.list("select id from webhook_event where status = 'RECEIVED' and received_at < ? "
                + "and (processed_at is null or processed_at < ?) order by status, received_at limit ?", rs -> rs.getLong(1),
                Timestamp.from(before), Timestamp.from(before), limit);
    }
}
