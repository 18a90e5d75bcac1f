package dev.pmsconversations.store;

import java.time.Instant;

/** An input that could not be processed, kept with the reason. */
public record DeadLetter(long id, String source, String accountId, String kind, String reference, String reason,
                         String payload, Instant createdAt) {
}
