package dev.pmsconversations.mapping;

import dev.pmsconversations.model.Hashes;
import java.util.HashMap;
import java.util.Map;

/**
 * Ids for the messages of one thread that came without one (docs/mappings.md, "Derived message ids"): {@code d-}
 * and the first 16 hex digits of the SHA-256 of source, conversation id, sender type, createdAt and body (UTF-8,
 * joined by NUL, null as empty), so the same message gets the same id at every read and dedupe still works. The
 * n-th identical message of a thread, in the API's order, gets {@code -n} appended (n from 2).
 */
final class DerivedIds {
    static final String PREFIX = "d-";

    private final String source;
    private final String conversationId;
    private final Map<String, Integer> seen = new HashMap<>();

    DerivedIds(String source, String conversationId) {
        this.source = source;
        this.conversationId = conversationId;
    }

    String next(String senderType, String createdAt, String body) {
        String base = PREFIX + Hashes.sha256(String.join("\u0000", source, conversationId, orEmpty(senderType),
                orEmpty(createdAt), orEmpty(body))).substring(0, 16);
        int n = seen.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "-" + n;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
