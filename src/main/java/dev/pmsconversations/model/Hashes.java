package dev.pmsconversations.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content hashes and names derived from ids, in the bottom layer so that the source clients, the sync, the outbox,
 * the webhooks and the sinks all look down to one definition (event ids, dedupe keys and file names must agree).
 */
public final class Hashes {
    private Hashes() {
    }

    /** Lower-case hex SHA-256 of the UTF-8 text. */
    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file name for a conversation id: the id itself when safe, else the id made safe plus a short hash (no clashes). */
    public static String fileName(String conversationId) {
        String safe = conversationId.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.equals(conversationId) ? safe : safe + "-" + sha256(conversationId).substring(0, 8);
    }
}
