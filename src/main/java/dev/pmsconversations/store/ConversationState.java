package dev.pmsconversations.store;

/** What the store remembers of one conversation since its last delivery. */
public record ConversationState(String marker, String contentHash, String snapshot) {
}
