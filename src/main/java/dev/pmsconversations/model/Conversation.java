package dev.pmsconversations.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** The unified conversation: one thread between the host side and one guest about one reservation. */
@JsonPropertyOrder({"id", "externalThreadId", "reservationId", "propertyId", "roomId", "type",
        "createdAt", "updatedAt", "recipient", "messages"})
public record Conversation(
        String id,
        String externalThreadId,
        String reservationId,
        String propertyId,
        String roomId,
        /* deprecated by the reference API; serialised only when the output option asks for it (see Json) */
        String type,
        String createdAt,
        String updatedAt,
        Recipient recipient,
        List<Message> messages) {

    public Conversation {
        messages = messages == null ? List.of() : List.copyOf(messages);
        recipient = recipient == null ? Recipient.EMPTY : recipient;
    }
}
