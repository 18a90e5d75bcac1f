package dev.pmsconversations.mapping;

import dev.pmsconversations.model.Conversation;

/** A mapped thread and what its mapping tolerated (empty when the native record gave every value it should). */
public record MappedConversation(Conversation conversation, MappingReport report) {
}
