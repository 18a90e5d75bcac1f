package dev.pmsconversations.sync;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;

/**
 * One permit per conversation (striped over 256), held from a thread's read to its delivery: a poll and a webhook (or a
 * send's read, a dead letter's retry) never process the same thread at once on this node, so one change is queued once.
 */
final class ConversationLocks {
    /** Exchange property: the permit this exchange holds. */
    static final String LOCK = "pmsConversationLock";
    private final Semaphore[] stripes = new Semaphore[256];

    ConversationLocks() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Semaphore(1);
        }
    }

    void lock(Exchange exchange, String accountId, String conversationId) {
        Semaphore s = stripes[Math.floorMod((accountId + "|" + conversationId).hashCode(), stripes.length)];
        try {
            if (!s.tryAcquire(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("conversation " + conversationId + " of account '" + accountId
                        + "' is busy for more than 120 s; retried at the next poll");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for conversation " + conversationId, e);
        }
        exchange.setProperty(LOCK, s);
    }

    static void unlock(Exchange exchange) {
        Semaphore s = exchange.getProperty(LOCK, Semaphore.class);
        if (s != null) {
            exchange.removeProperty(LOCK);
            s.release();
        }
    }
}
