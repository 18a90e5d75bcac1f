package dev.pmsconversations.account;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable tokens (connect sessions, webhook secrets we choose): random bytes, URL-safe Base64 without padding. */
public final class RandomTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomTokens() {
    }

    /** A token of {@code bytes} random bytes. */
    public static String of(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
