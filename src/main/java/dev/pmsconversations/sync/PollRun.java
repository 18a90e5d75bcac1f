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
    /** Threads whose read (or skip as unchanged) has ended, whichever way. */
    final AtomicInteger done = new AtomicInteger();
    /** The whole listing has been read: {@link #listed} is every thread of this poll. */
    volatile boolean listComplete;
    /** What ended the listing early (the PMS failed mid-listing, a stop), raised once the threads' reads have ended. */
    volatile RuntimeException listingFailure;
    /** No cursor at the start: a first sync, or a resync (everything the listing reaches is read). */
    volatile boolean fromScratch;

    /** A poll's read slots ({@link ReadSlots}); null for a single thread's read. */
    private volatile java.util.concurrent.Semaphore slots;

    PollRun(AccountClient client) {
        this.client = client;
        this.requestsBefore = client.requestCount();
    }

    java.util.concurrent.Semaphore slots(int count) {
        slots = new java.util.concurrent.Semaphore(count);
        return slots;
    }

    void releaseSlot() {
        java.util.concurrent.Semaphore s = slots;
        if (s != null) {
            s.release();
        }
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

    /**
     * Where a running poll is: threads done and known to be left, and the time left at the PMS's published limit (the
     * requests a thread has taken so far, times the threads left, at the slowest of the account's limits); null until
     * a thread is done.
     */
    public Progress progress() {
        int done = this.done.get();
        int known = listed.get();
        long reqs = requests();
        Long eta = null;
        double perSecond = client.source().api().rateLimits().stream().mapToDouble(l -> (double) l.requests() / l.perSeconds()).min()
                .orElse(Double.POSITIVE_INFINITY);
        if (done > 0 && perSecond > 0 && !Double.isInfinite(perSecond)) {
            eta = (long) Math.ceil((known - done) * ((double) reqs / done) / perSecond);
        }
        return new Progress(accountId(), source(), fromScratch, startedAt, done, known, listComplete, reqs, eta);
    }

    /** A first sync or resync logs its progress every this many threads. */
    static final int PROGRESS_EVERY = 100;

    /** @param etaSeconds at the PMS's limit, for the threads known so far ({@code listComplete}: all of them) */
    public record Progress(String accountId, String source, boolean fromScratch, Instant startedAt, int threadsDone, int threadsListed,
                           boolean listComplete, long requests, Long etaSeconds) {
        /** The progress line: "[source/account] first sync: 300 of 1200 threads done, 305 requests, about 20 min left …". */
        public String line() {
            return "[" + source + "/" + accountId + "] first sync: " + threadsDone + " of " + threadsListed
                    + (listComplete ? "" : "+ (still listing)") + " threads done, " + requests + " requests"
                    + (etaSeconds == null ? "" : ", about " + human(etaSeconds) + " left at the PMS's limit");
        }

        /** 42 s, 7 min, 2 h 5 min. */
        public static String human(long seconds) {
            if (seconds < 60) {
                return seconds + " s";
            }
            long minutes = (seconds + 59) / 60;
            return minutes < 60 ? minutes + " min" : minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
        }
    }
}
