package dev.pmsconversations.outbox;

import java.util.List;

/** A validated request to send one message to a guest (the API's POST body, resolved to an account). */
public record SendRequest(String accountId, String conversationId, String reservationId, String type, String subject,
                          String body, List<AttachmentRef> attachments, String idempotencyKey) {

    /** An attachment by URL, as the reference API takes it. */
    public record AttachmentRef(String name, String url) {
    }
}
