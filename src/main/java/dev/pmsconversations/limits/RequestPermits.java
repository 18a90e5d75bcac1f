package dev.pmsconversations.limits;

import java.util.List;

/**
 * Permission to make one request under a PMS's published limits ({@code requests} per {@code perSeconds}, several
 * at once), counted per key (an account's reads, its sends). {@link #await} blocks until every limit allows one more.
 */
public interface RequestPermits {

    void await(String key, List<RateLimit> limits);

    /** One node (H2): counted in this JVM ({@link GrantLog}). */
    static RequestPermits local() {
        return new LocalPermits();
    }
}
