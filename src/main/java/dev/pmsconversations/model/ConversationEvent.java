package dev.pmsconversations.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** What sinks receive: one change of one conversation, with a stable id consumers dedupe on. */
@JsonPropertyOrder({"id", "type", "source", "accountId", "occurredAt", "newMessageIds", "data"})
public record ConversationEvent(
        String id,
        String type,
        String source,
        String accountId,
        String occurredAt,
        List<String> newMessageIds,
        Conversation data) {

    public static final String CREATED = "conversation.created";
    public static final String UPDATED = "conversation.updated";
}
