package dev.pmsconversations.outbox;

import java.time.Instant;

/** One message to send to a guest, as stored in the outbox table. */
public record OutboxEntry(
        String id,
        String accountId,
        String source,
        String conversationId,
        String reservationId,
        String idempotencyKey,
        String requestHash,
        String type,
        String subject,
        String body,
        String attachments,
        Status status,
        boolean needsCheck,
        int attempts,
        String lastError,
        String pmsMessageId,
        Instant createdAt,
        Instant updatedAt,
        Instant nextAttemptAt) {

    public enum Status { PENDING, SENDING, SENT, FAILED }
}
