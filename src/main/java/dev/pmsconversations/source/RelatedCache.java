package dev.pmsconversations.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Related records (a guest, a reservation) read beside changed threads, kept for the source file's {@code cache}
 * seconds: a guest's next message then costs one call (the thread's messages) instead of two. At most
 * {@code capacity} records per account; the least recently used go first, so memory stays bounded however many
 * threads an account has.
 */
final class RelatedCache {
    private record Entry(JsonNode record, long expiresAtMillis) {
    }

    private final Map<String, Entry> entries;

    RelatedCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The record, or null when absent or older than its cache time. */
    synchronized JsonNode get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (System.currentTimeMillis() >= e.expiresAtMillis()) {
            entries.remove(key);
            return null;
        }
        return e.record();
    }

    synchronized void put(String key, JsonNode record, int seconds) {
        entries.put(key, new Entry(record, System.currentTimeMillis() + seconds * 1000L));
    }
}
