package dev.pmsconversations.sync;

import java.util.Iterator;
import java.util.concurrent.Semaphore;

/**
 * The threads of one poll as its parallel split takes them, at most {@code slots} being read at once: {@link #next}
 * waits for a slot, {@link SyncService#threadDone} gives it back when the thread's read has ended (delivered, unchanged or
 * dead-lettered). Camel's parallel split takes the next item as soon as it has handed one to a worker; without this it
 * would take the whole listing at once (every page read ahead, every thread's exchange in memory) and one account's
 * first sync would hold every worker.
 */
final class ReadSlots implements Iterator<ThreadRef> {
    private final Iterator<ThreadRef> threads;
    private final Semaphore slots;

    ReadSlots(Iterator<ThreadRef> threads, Semaphore slots) {
        this.threads = threads;
        this.slots = slots;
    }

    @Override
    public boolean hasNext() {
        return threads.hasNext();
    }

    @Override
    public ThreadRef next() {
        try {
            slots.acquire(); // given back by SyncService.threadDone, whatever became of the thread
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
