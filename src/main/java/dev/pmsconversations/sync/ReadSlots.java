package dev.pmsconversations.sync;

import java.util.Iterator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The threads of one poll as its parallel split takes them, at most {@code slots} being read at once: {@link #next}
 * waits for a slot, {@link SyncService#threadDone} gives it back when the thread's read has ended (delivered, unchanged or
 * dead-lettered). Camel's parallel split takes the next item as soon as it has handed one to a worker; without this it
 * would take the whole listing at once (every page read ahead, every thread's exchange in memory) and one account's
 * first sync would hold every worker. A stop of the runtime ends the listing: the poll fails as "cut off by the stop"
 * (nothing advances, the next poll starts where this one did), the threads being read end on their own, and the stop
 * does not wait for the rest of the listing.
 */
final class ReadSlots implements Iterator<ThreadRef> {
    private final Iterator<ThreadRef> threads;
    private final Semaphore slots;
    private final BooleanSupplier stopping;

    ReadSlots(Iterator<ThreadRef> threads, Semaphore slots, BooleanSupplier stopping) {
        this.threads = threads;
        this.slots = slots;
        this.stopping = stopping;
    }

    @Override
    public boolean hasNext() {
        stopIfStopping();
        return threads.hasNext();
    }

    private void stopIfStopping() {
        if (stopping.getAsBoolean()) {
            throw new IllegalStateException("the runtime is stopping: the poll ends here and the next one goes on from its start");
        }
    }

    @Override
    public ThreadRef next() {
        try {
            // given back by SyncService.threadDone, whatever became of the thread
            while (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                stopIfStopping();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("poll stopped while waiting for a thread's read to end", e);
        }
        try {
            return threads.next();
        } catch (RuntimeException e) {
            slots.release(); // nothing was handed out
            throw e;
        }
    }
}
