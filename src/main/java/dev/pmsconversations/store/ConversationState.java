package dev.pmsconversations.store;

/**
 * What the store remembers of one conversation since its last delivery. {@code failing}: its last read or mapping failed
 * (a dead letter is open), so it is read again whatever its marker says; {@code snapshot} is null when it never mapped.
 */
public record ConversationState(String marker, String contentHash, String snapshot, boolean failing) {
    public ConversationState(String marker, String contentHash, String snapshot) {
        this(marker, contentHash, snapshot, false);
    }

    /** True when a unified snapshot of it was delivered before (its next event is an update). */
    public boolean delivered() {
        return snapshot != null;
    }
}
