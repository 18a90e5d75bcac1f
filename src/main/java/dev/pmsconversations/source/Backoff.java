package dev.pmsconversations.source;

import java.util.concurrent.ThreadLocalRandom;

/** Waits between attempts: the answer's Retry-After (seconds or an HTTP date) when it gives one, else exponential with jitter. */
public final class Backoff {
    private Backoff() {
    }

    /**
     * @param baseMillis     the first wait (before jitter)
     * @param maxMillis      the longest exponential wait
     * @param retryAfterCap  the longest wait a Retry-After may ask for
     */
    public static long millis(long baseMillis, long maxMillis, long retryAfterCap, int attempt, String retryAfter) {
        return millis(baseMillis, maxMillis, retryAfterCap, attempt, retryAfter, java.time.InstantSource.system());
    }

    /** As above, with the clock a Retry-After date is counted from (a test holds it still). */
    static long millis(long baseMillis, long maxMillis, long retryAfterCap, int attempt, String retryAfter, java.time.InstantSource clock) {
        if (retryAfter != null) {
            try {
                return Math.min(retryAfterCap, Math.max(0, Long.parseLong(retryAfter.trim()) * 1000));
            } catch (NumberFormatException notSeconds) {
                try { // the other form RFC 9110 allows: an HTTP date
                    java.time.Instant at = java.time.ZonedDateTime.parse(retryAfter.trim(),
                            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return Math.min(retryAfterCap, Math.max(0, java.time.Duration.between(clock.instant(), at).toMillis()));
                } catch (java.time.format.DateTimeParseException neither) {
                    // unreadable: exponential backoff instead
                }
            }
        }
        long exp = Math.min(maxMillis, baseMillis << Math.min(attempt - 1, 16));
        return exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1); // jitter
    }

    /** The wait before attempt {@code attempt + 1} of a source file's {@code retry} settings. */
    public static long of(ApiSpec.Retry retry, int attempt, String retryAfter) {
        return millis(retry.backoffMillis(), retry.maxBackoffMillis(), retry.maxBackoffMillis(), attempt, retryAfter);
    }

    /** Sleeps; an interrupt ends the wait and the attempt. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
