package dev.pmsconversations.webhook;

import dev.pmsconversations.config.Secret;
import dev.pmsconversations.source.WebhookSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook comes from the PMS, the way its source file says: Basic auth, a shared token,
 * an HMAC-SHA256 signature (optionally over timestamp + body), or Svix's scheme. Every comparison is
 * constant-time; a timestamp outside the tolerance is a replay and refused. Written by hand: the checks
 * are a few lines of JDK crypto, and the Svix client library would bring an HTTP stack we do not use.
 */
final class WebhookVerifier {
    private WebhookVerifier() {
    }

    /** Returns null when authentic, else the reason (never containing a secret or the expected value). */
    static String problem(WebhookSpec spec, Map<String, Secret> credentials, Function<String, String> header,
                          Map<String, String> query, byte[] body, Instant now) {
        return switch (spec.auth()) {
            case "basic" -> basic(header.apply("Authorization"), credentials.get(spec.credentials().get(0)),
                    credentials.get(spec.credentials().get(1)));
            case "token" -> {
                String given = spec.tokenPath() != null ? tokenInPayload(spec, body)
                        : spec.tokenHeader() != null ? header.apply(spec.tokenHeader()) : query.get("token");
                String expected = credentials.get(spec.credentials().get(0)).reveal();
                yield expected.isEmpty() ? "the configured webhook token is empty"
                        : given != null && equal(given, expected) ? null : "missing or wrong webhook token";
            }
            case "hmac" -> hmac(spec, credentials.get(spec.credentials().get(0)), header, body, now);
            case "svix" -> svix(spec, credentials.get(spec.credentials().get(0)), header, body, now);
            default -> "unsupported webhook auth " + spec.auth();
        };
    }

    private static String tokenInPayload(WebhookSpec spec, byte[] body) {
        try {
            com.fasterxml.jackson.databind.JsonNode payload = spec.payload(dev.pmsconversations.model.Json.MAPPER.readTree(body));
            com.fasterxml.jackson.databind.JsonNode t = payload == null ? null : payload.at(spec.tokenPath());
            return t == null || !t.isTextual() ? null : t.asText();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String basic(String authorization, Secret user, Secret password) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "missing Basic authorization";
        }
        String expected = Base64.getEncoder().encodeToString((user.reveal() + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8));
        return equal(authorization.substring(6).trim(), expected) ? null : "wrong Basic credentials";
    }

    private static String hmac(WebhookSpec spec, Secret secret, Function<String, String> header, byte[] body, Instant now) {
        String given = header.apply(spec.signatureHeader());
        if (given == null) {
            return "missing signature header " + spec.signatureHeader();
        }
        byte[] signed = body;
        if (spec.timestampHeader() != null) {
            String ts = header.apply(spec.timestampHeader());
            String stale = staleTimestamp(ts, spec.toleranceSeconds(), now);
            if (stale != null) {
                return stale;
            }
            signed = concat((ts + ".").getBytes(StandardCharsets.UTF_8), body);
        }
        if (secret.reveal().isEmpty()) {
            return "the configured webhook secret is empty"; // (an HMAC key cannot be)
        }
        if ("base64Lines".equals(spec.signedForm())) {
            String lines = Base64.getMimeEncoder(60, new byte[] {'\n'}).encodeToString(signed);
            signed = (lines.isEmpty() ? "" : lines + "\n").getBytes(StandardCharsets.US_ASCII);
        }
        byte[] mac = "sha1".equals(spec.algorithm()) ? mac("HmacSHA1", secret.reveal().getBytes(StandardCharsets.UTF_8), signed)
                : mac(secret.reveal().getBytes(StandardCharsets.UTF_8), signed);
        String expected = spec.signaturePrefix() + ("base64".equals(spec.signatureEncoding())
                ? Base64.getEncoder().encodeToString(mac) : HexFormat.of().formatHex(mac));
        return equal(given.trim(), expected) ? null : "signature does not match";
    }

    private static String svix(WebhookSpec spec, Secret secret, Function<String, String> header, byte[] body, Instant now) {
        String id = header.apply("svix-id");
        String ts = header.apply("svix-timestamp");
        String signatures = header.apply("svix-signature");
        if (id == null || ts == null || signatures == null) {
            return "missing svix-id, svix-timestamp or svix-signature header";
        }
        String stale = staleTimestamp(ts, spec.toleranceSeconds(), now);
        if (stale != null) {
            return stale;
        }
        String s = secret.reveal();
        byte[] key;
        try {
            key = Base64.getDecoder().decode(s.startsWith("whsec_") ? s.substring(6) : s);
        } catch (IllegalArgumentException e) {
            return "the configured webhook secret is not a Svix secret (whsec_<base64>)";
        }
        if (key.length == 0) {
            return "the configured webhook secret is empty (a Svix secret is whsec_<base64>)";
        }
        String expected = "v1," + Base64.getEncoder().encodeToString(mac(key, concat((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8), body)));
        boolean match = false;
        for (String candidate : List.of(signatures.trim().split(" "))) {
            match |= equal(candidate, expected); // no early exit: every candidate costs the same
        }
        return match ? null : "signature does not match";
    }

    private static String staleTimestamp(String ts, long toleranceSeconds, Instant now) {
        if (ts == null) {
            return "missing signature timestamp";
        }
        long seconds;
        try {
            seconds = Long.parseLong(ts.trim());
        } catch (NumberFormatException e) {
            return "signature timestamp is not a number";
        }
        if (seconds > 1_000_000_000_000L) {
            seconds /= 1000; // milliseconds
        }
        // compared without Math.abs, which overflows for Long.MIN_VALUE
        long skew = now.getEpochSecond() - seconds;
        return skew > toleranceSeconds || skew < -toleranceSeconds || (seconds < 0 && skew < 0)
                ? "signature timestamp outside the " + toleranceSeconds + " s tolerance (replayed or clock skew)" : null;
    }

    static byte[] mac(byte[] key, byte[] data) {
        return mac("HmacSHA256", key, data);
    }

    static byte[] mac(String algorithm, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time for equal lengths; digests first so the length of the expected value does not leak either. */
    static boolean equal(String given, String expected) {
        return MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
