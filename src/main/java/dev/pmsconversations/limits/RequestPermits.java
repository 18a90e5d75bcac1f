package dev.pmsconversations.limits;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Permission to make one request under a PMS's published limits ({@code requests} per {@code perSeconds}, several
 * at once), counted per key (an account's reads, its sends; a source's requests for a limit per IP or per app).
 * {@link #await} blocks until every limit of every key allows one more, and then counts the request under each key at
 * the same moment: a grant taken under one key while another is still waited for would be counted earlier than the
 * request is made, and a PMS counting the later arrival would see more than its limit.
 */
public interface RequestPermits {

    /** The limits counted under one key. */
    record Counted(String key, List<RateLimit> limits) {
    }

    /** Blocks until every key's limits allow one more request, then counts it under all of them. */
    void await(List<Counted> keys);

    default void await(String key, List<RateLimit> limits) {
        await(List.of(new Counted(key, limits)));
    }

    /**
     * The keys an account's request is counted under: its limits of {@link RateLimit.Scope#ACCOUNT} under
     * {@code accountKey}, the others under the source's key for their scope. Sorted by key, the order both
     * implementations take their keys' locks in.
     */
    static List<Counted> keysOf(String sourceKey, String accountKey, List<RateLimit> limits) {
        Map<String, List<RateLimit>> byKey = new LinkedHashMap<>();
        for (RateLimit l : limits) {
            byKey.computeIfAbsent(l.key(sourceKey, accountKey), k -> new ArrayList<>()).add(l);
        }
        return byKey.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new Counted(e.getKey(), List.copyOf(e.getValue()))).toList();
    }

    /** One node (H2): counted in this JVM ({@link GrantLog}). */
    static RequestPermits local() {
        return local(() -> false);
    }

    /** As {@link #local()}; {@code stopping}: true once the runtime stops, and a wait for a permit then ends. */
    static RequestPermits local(java.util.function.BooleanSupplier stopping) {
        return new LocalPermits(stopping);
    }
}
