package dev.pmsconversations.sync;

import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.store.StateStore;

/** Pending state write for one delivered (or re-checked) thread. */
record Pending(String accountId, String source, String conversationId, String marker, Conversation conversation,
               String hash, String snapshot, String previousHash) {
    void save(StateStore store) {
        store.saveConversation(accountId, source, conversationId, marker, hash, snapshot, conversation.reservationId(),
                conversation.propertyId(), Changes.lastActivity(conversation));
    }

    /** Saves unless another node stored a change of the conversation since it was read (then nothing is saved). */
    void saveIfUnchanged(StateStore store) {
        if (store.accountRemoved(accountId)) {
            // removed on another node, which may have erased its rows already: read after that, every message would look
            // new, and this save would announce them all again
            throw new AccountRemoved();
        }
        if (!store.saveConversationIfUnchanged(previousHash, accountId, source, conversationId, marker, hash, snapshot,
                conversation.reservationId(), conversation.propertyId(), Changes.lastActivity(conversation))) {
            throw new ChangedMeanwhile();
        }
    }

    /** The account was removed (through any node) while this node worked on it: nothing of it is stored or queued. */
    static final class AccountRemoved extends RuntimeException {
        AccountRemoved() {
            super(null, null, false, false);
        }
    }

    /** The conversation's stored content moved on while this node worked on it (a webhook or poll on another node). */
    static final class ChangedMeanwhile extends RuntimeException {
        ChangedMeanwhile() {
            super(null, null, false, false);
        }
    }
}
