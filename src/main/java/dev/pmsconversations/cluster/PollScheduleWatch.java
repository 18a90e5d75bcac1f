package dev.pmsconversations.cluster;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.quartz.listeners.TriggerListenerSupport;

/**
 * Whether the account polls keep their schedule: how late each one starts against its planned time, and how many
 * Quartz declared misfired (not started within the misfire threshold: all poll threads busy, or every node down).
 * Shown by GET /v2/status ({@code schedule}) and the metrics; it is how an operator sees the poll threads are too few
 * for the accounts (docs/operations.md).
 */
public final class PollScheduleWatch extends TriggerListenerSupport {
    /** Upper bounds (ms) of the start-delay buckets; the last bucket is everything above. */
    public static final long[] DELAY_BUCKETS_MILLIS = {100, 1_000, 10_000, 60_000};

    private final AtomicLong fired = new AtomicLong();
    private final AtomicLong misfired = new AtomicLong();
    private final AtomicLong maxDelayMillis = new AtomicLong();
    private final AtomicLongArray buckets = new AtomicLongArray(DELAY_BUCKETS_MILLIS.length + 1);

    @Override
    public String getName() {
        return "pms-poll-schedule";
    }

    @Override
    public void triggerFired(Trigger trigger, JobExecutionContext context) {
        if (context.getScheduledFireTime() == null || context.getFireTime() == null) {
            return;
        }
        long delay = Math.max(0, context.getFireTime().getTime() - context.getScheduledFireTime().getTime());
        fired.incrementAndGet();
        maxDelayMillis.accumulateAndGet(delay, Math::max);
        int b = 0;
        while (b < DELAY_BUCKETS_MILLIS.length && delay > DELAY_BUCKETS_MILLIS[b]) {
            b++;
        }
        buckets.incrementAndGet(b);
    }

    @Override
    public void triggerMisfired(Trigger trigger) {
        misfired.incrementAndGet();
    }

    public Snapshot snapshot() {
        long[] counts = new long[buckets.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets.get(i);
        }
        return new Snapshot(fired.get(), misfired.get(), maxDelayMillis.get(), counts);
    }

    /**
     * @param delayBuckets polls by start delay: up to 100 ms, 1 s, 10 s, 60 s, and above
     */
    public record Snapshot(long fired, long misfired, long maxDelayMillis, long[] delayBuckets) {
    }
}
