package dev.pmsconversations.sync;

import java.util.Iterator;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The threads of one poll as its parallel split takes them, at most {@code slots} being read at once: {@link #next}
 * waits for a slot, {@link SyncService#threadDone} gives it back when the thread's read has ended (delivered, unchanged or
 * dead-lettered). Camel's parallel split takes the next item as soon as it has handed one to a worker; without this it
 * would take the whole listing at once (every page read ahead, every thread's exchange in memory) and one account's
 * first sync would hold every worker.
 * <p>
 * A listing that fails (the PMS down mid-listing) or is cut off by a stop of the runtime ends here as a listing that
 * has no more threads, and the failure is handed to {@code failed} (the poll keeps it, {@link PollRun#listingFailure},
 * for {@link SyncService#finishPoll} to raise). Thrown from the iterator, Camel's split would complete at once, without
 * waiting for the threads it had handed out (MulticastProcessor 4.14 treats an iterator's exception as "done"): the
 * poll's end frees the account's Quartz trigger, and another node started the next poll while this one's reads still
 * ran (AccountsClusterTest). Ended normally, the split waits for every thread it handed out.
 */
final class ReadSlots implements Iterator<ThreadRef> {
    private final Iterator<ThreadRef> threads;
    private final Semaphore slots;
    private final BooleanSupplier stopping;
    private final Consumer<RuntimeException> failed;
    private boolean ended;

    ReadSlots(Iterator<ThreadRef> threads, Semaphore slots, BooleanSupplier stopping, Consumer<RuntimeException> failed) {
        this.threads = threads;
        this.slots = slots;
        this.stopping = stopping;
        this.failed = failed;
    }

    @Override
    public boolean hasNext() {
        if (ended) {
            return false;
        }
        if (stopping.getAsBoolean()) {
            return end(new IllegalStateException("the runtime is stopping: the poll ends here and the next one goes on from its start"));
        }
        try {
            return threads.hasNext();
        } catch (RuntimeException e) {
            return end(e);
        }
    }

    private boolean end(RuntimeException failure) {
        ended = true;
        failed.accept(failure);
        return false;
    }

    /**
     * The next thread once a slot is free. Also at a stop: the split was told there is one more (slots come back as the
     * reads in flight end, each bounded by the PMS call's timeouts).
     */
    @Override
    public ThreadRef next() {
        slots.acquireUninterruptibly(); // given back by SyncService.threadDone, whatever became of the thread
        try {
            return threads.next(); // buffered: hasNext() has read its page
        } catch (RuntimeException e) {
            slots.release(); // nothing was handed out
            throw e;
        }
    }
}
