package dev.pmsconversations.sync;

import dev.pmsconversations.source.AccountClient;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** One poll of one account: counters for the progress line, and whether the cursor may advance. */
public final class PollRun {
    final AccountClient client;
    final Instant startedAt = Instant.now();
    final long requestsBefore;
    final AtomicInteger listed = new AtomicInteger();
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger messages = new AtomicInteger();
    final AtomicInteger newMessages = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    volatile boolean complete = true;
    /** The breaker was open: nothing was asked of the PMS, and nothing counts as a poll. */
    volatile boolean skipped;
    volatile String newestSeen;

    PollRun(AccountClient client) {
        this.client = client;
        this.requestsBefore = client.requestCount();
    }

    public String accountId() {
        return client.account().id();
    }

    public String source() {
        return client.source().key();
    }

    public long requests() {
        return client.requestCount() - requestsBefore;
    }
}
