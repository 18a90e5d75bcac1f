package dev.pmsconversations.limits;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A wait for a request permit given up because the runtime is stopping: the request was not made. A read cut off so is
 * read again by the next poll; a send, by the outbox once its claim runs out. Without it a stop waited for every
 * permit (seconds under a PMS's per-IP limit) and then timed out.
 */
public final class PermitWaitStopped extends IllegalStateException {
    PermitWaitStopped(String key) {
        super("the runtime is stopping: the request waiting for a permit of " + key + " is not made");
    }

    /** Sleeps {@code nanos} in slices, looking at {@code stopping} between them. */
    static void sleep(long nanos, String key, BooleanSupplier stopping) {
        long until = System.nanoTime() + nanos;
        try {
            for (long left = nanos; left > 0; left = until - System.nanoTime()) {
                if (stopping.getAsBoolean()) {
                    throw new PermitWaitStopped(key);
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a request permit of " + key, e);
        }
    }
}
