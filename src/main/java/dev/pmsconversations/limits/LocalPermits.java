package dev.pmsconversations.limits;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Limits held in this JVM: right for one node; several nodes would each allow the whole limit ({@link SharedPermits}
 * counts for them all). Hand-written ({@link GrantLog}) rather than resilience4j's rate limiter: that one counts
 * fixed windows, which let twice the limit through around a window's boundary and spend a saturated budget in the
 * window's first seconds.
 */
final class LocalPermits implements RequestPermits {
    private final Map<Key, GrantLog[]> logs = new ConcurrentHashMap<>();
    /** Nanoseconds of a monotonic clock ({@link System#nanoTime()}; a test moves its own). */
    private final LongSupplier nanoClock;

    LocalPermits() {
        this(System::nanoTime);
    }

    LocalPermits(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** An account's reads or sends under their limits (a record: no text built per request to find it). */
    private record Key(String key, List<RateLimit> limits) {
    }

    @Override
    public void await(String key, List<RateLimit> limits) {
        GrantLog[] keyLogs = logs.computeIfAbsent(new Key(key, limits), k -> limits.stream()
                .map(l -> new GrantLog(l.requests(), TimeUnit.MILLISECONDS.toNanos(l.windowMillis()))).toArray(GrantLog[]::new));
        while (true) {
            long wait = 0;
            synchronized (keyLogs) { // every limit of the key grants together, or none does
                long now = nanoClock.getAsLong();
                for (GrantLog log : keyLogs) {
                    wait = Math.max(wait, log.waitNanos(now));
                }
                if (wait == 0) {
                    for (GrantLog log : keyLogs) {
                        log.grant(now);
                    }
                    return;
                }
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.SECONDS.toNanos(5)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a request permit of " + key, e);
            }
        }
    }
}
