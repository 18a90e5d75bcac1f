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
    private final java.util.function.BooleanSupplier stopping;

    LocalPermits(java.util.function.BooleanSupplier stopping) {
        this(System::nanoTime, stopping);
    }

    LocalPermits(LongSupplier nanoClock) {
        this(nanoClock, () -> false);
    }

    private LocalPermits(LongSupplier nanoClock, java.util.function.BooleanSupplier stopping) {
        this.nanoClock = nanoClock;
        this.stopping = stopping;
    }

    /** An account's reads or sends under their limits (a record: no text built per request to find it). */
    private record Key(String key, List<RateLimit> limits) {
    }

    @Override
    public void await(List<Counted> keys) {
        GrantLog[][] keyLogs = new GrantLog[keys.size()][];
        for (int i = 0; i < keys.size(); i++) {
            Counted c = keys.get(i);
            keyLogs[i] = logs.computeIfAbsent(new Key(c.key(), c.limits()), k -> k.limits().stream()
                    .map(l -> new GrantLog(l.requests(), TimeUnit.MILLISECONDS.toNanos(l.windowMillis()))).toArray(GrantLog[]::new));
        }
        while (true) {
            long wait = tryGrant(keyLogs, 0);
            if (wait == 0) {
                return;
            }
            PermitWaitStopped.sleep(Math.min(wait, TimeUnit.SECONDS.toNanos(5)), keys.get(0).key(), stopping);
        }
    }

    /**
     * Every limit of every key grants together, or none does: the keys' locks are taken one inside the other, in the
     * keys' order (RequestPermits.keysOf sorts them), so two callers never hold each other's. Returns 0 when granted,
     * else the nanoseconds until it could be.
     */
    private long tryGrant(GrantLog[][] keyLogs, int from) {
        if (from == keyLogs.length) {
            long now = nanoClock.getAsLong();
            long wait = 0;
            for (GrantLog[] key : keyLogs) {
                for (GrantLog log : key) {
                    wait = Math.max(wait, log.waitNanos(now));
                }
            }
            if (wait == 0) {
                for (GrantLog[] key : keyLogs) {
                    for (GrantLog log : key) {
                        log.grant(now);
                    }
                }
            }
            return wait;
        }
        synchronized (keyLogs[from]) {
            return tryGrant(keyLogs, from + 1);
        }
    }
}
