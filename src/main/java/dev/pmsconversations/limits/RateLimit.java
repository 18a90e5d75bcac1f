package dev.pmsconversations.limits;

/** A PMS's published limit: at most {@code requests} requests per {@code perSeconds} seconds (a source file's api.rateLimit). */
public record RateLimit(int requests, int perSeconds) {
}
