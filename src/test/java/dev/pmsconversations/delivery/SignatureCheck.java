package dev.pmsconversations.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

// How a consumer checks an HTTP sink's request (docs/sinks.md shows this class verbatim).
public final class SignatureCheck {
    /** True when the request is from pms-conversations and at most 5 minutes old. */
    public static boolean verify(String secret, String timestampHeader, String signatureHeader, String rawBody) throws Exception {
        long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestampHeader));
        if (age > 300) {
            return false; // replayed, or a clock far off
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "v1=" + java.util.HexFormat.of().formatHex(
                mac.doFinal((timestampHeader + "." + rawBody).getBytes(StandardCharsets.UTF_8)));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signatureHeader.getBytes(StandardCharsets.UTF_8));
    }
}
