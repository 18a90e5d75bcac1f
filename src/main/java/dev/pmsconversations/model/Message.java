package dev.pmsconversations.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** One message of a conversation. */
@JsonPropertyOrder({"id", "createdAt", "updatedAt", "body", "subject", "senderType", "type", "status",
        "seenStatus", "isAutomatic", "attachments"})
public record Message(
        String id,
        String createdAt,
        String updatedAt,
        String body,
        String subject,
        SenderType senderType,
        MessageType type,
        MessageStatus status,
        SeenStatus seenStatus,
        @JsonAlias("is_automatic") Boolean isAutomatic,
        List<Attachment> attachments) {

    public Message {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }
}
