package dev.pmsconversations.source;

import dev.pmsconversations.yaml.YamlNode;
import java.util.List;
import java.util.Set;

/**
 * The {@code api.webhook:} section: how the PMS proves a webhook is its own, which events mean "a thread
 * changed", and where the payload names the thread. The thread is then read through the API (a hook is a
 * trigger; the API is the truth), so thin and full payloads take the same path.
 *
 * @param auth         basic | token | hmac | svix
 * @param credentials  names of the account credentials the check uses (user/password, token, secret)
 * @param tokenHeader  for {@code token}: the header carrying it (null: the {@code token} query parameter)
 * @param dedupeHeader the PMS's delivery id header; without one the body's hash identifies a delivery
 * @param tokenPath    for {@code token}: a pointer into the (unwrapped) payload carrying it, instead of header/query
 * @param unwrap       pointer of a JSON document carried as a string (Amazon SNS: {@code /Message}); event, id and
 *                     token paths then read that document
 * @param confirm      a subscription handshake to acknowledge (e.g. SNS SubscriptionConfirmation), or null
 * @param conversationIdPattern  a regex whose group 1 is the conversation id inside the value read (e.g. Lodgify's
 *                     inbox_uid "B12345" → 12345); a value that does not match concerns no conversation we sync
 */
public record WebhookSpec(String auth, List<String> credentials, String tokenHeader, String signatureHeader,
                          String signatureEncoding, String signaturePrefix, String timestampHeader, long toleranceSeconds,
                          String eventPath, List<String> acceptEvents, List<String> conversationIdPaths, String dedupeHeader,
                          String tokenPath, String unwrap, Confirm confirm, java.util.regex.Pattern conversationIdPattern,
                          String algorithm, String signedForm) {

    /** When {@code path} equals {@code value}, the call is a handshake; {@code url} points at the confirmation link. */
    public record Confirm(String path, String value, String url, String allow) {
    }

    /** The payload as the event/id/token paths read it: the body, or the JSON document {@link #unwrap} points at. */
    public com.fasterxml.jackson.databind.JsonNode payload(com.fasterxml.jackson.databind.JsonNode body) {
        if (unwrap == null || body == null) {
            return body;
        }
        com.fasterxml.jackson.databind.JsonNode inner = body.at(com.fasterxml.jackson.core.JsonPointer.compile(unwrap));
        if (inner.isObject()) {
            return inner;
        }
        try {
            return inner.isTextual() ? dev.pmsconversations.model.Json.MAPPER.readTree(inner.asText()) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private WebhookSpec with(YamlNode w) {
        YamlNode c = w.get("confirm");
        Confirm confirm = c.isMissing() ? null : new Confirm(c.onlyKeys(Set.of("path", "value", "url", "allow")).text("path"),
                c.text("value"), c.text("url"), c.text("allow", "^https://[^/?#]+\\.amazonaws\\.com/[^\\s]*$"));
        return new WebhookSpec(auth, credentials, tokenHeader, signatureHeader, signatureEncoding, signaturePrefix, timestampHeader,
                toleranceSeconds, eventPath, acceptEvents, conversationIdPaths, dedupeHeader, tokenPath, w.text("unwrap", null), confirm,
                w.has("conversationIdPattern") ? pattern(w.get("conversationIdPattern")) : null, algorithm, signedForm);
    }

    private static java.util.regex.Pattern pattern(YamlNode p) {
        try {
            java.util.regex.Pattern compiled = java.util.regex.Pattern.compile(p.text());
            if (compiled.matcher("").groupCount() < 1) {
                throw p.error("needs a group: the conversation id is group 1, e.g. ^B(\\d+)$");
            }
            return compiled;
        } catch (java.util.regex.PatternSyntaxException e) {
            throw p.error("not a regular expression: " + e.getDescription());
        }
    }

    static WebhookSpec read(YamlNode w) {
        if (w.isMissing()) {
            return null;
        }
        w.onlyKeys(Set.of("auth", "event", "accept", "conversationId", "conversationIdPattern", "dedupeHeader", "note", "unwrap",
                "confirm", "subscribe", "manual")); // the last two: WebhookSetup
        YamlNode a = w.get("auth").object();
        String type = a.text("type");
        List<String> conversationPaths = w.get("conversationId").isArray() ? w.get("conversationId").textList()
                : List.of(w.text("conversationId"));
        List<String> accept = w.has("accept") ? w.get("accept").textList() : List.of();
        String event = w.text("event", null);
        String dedupe = w.text("dedupeHeader", null);
        return read(w, a, type, event, accept, conversationPaths, dedupe).with(w);
    }

    private static WebhookSpec read(YamlNode w, YamlNode a, String type, String event, List<String> accept,
                                    List<String> conversationPaths, String dedupe) {
        return switch (type) {
            case "basic" -> {
                a.onlyKeys(Set.of("type", "user", "password"));
                yield new WebhookSpec(type, List.of(a.text("user", "webhookUser"), a.text("password", "webhookPassword")), null, null,
                        null, null, null, 0, event, accept, conversationPaths, dedupe, null, null, null, null, "sha256", "body");
            }
            case "token" -> {
                a.onlyKeys(Set.of("type", "header", "credential", "path"));
                yield new WebhookSpec(type, List.of(a.text("credential", "webhookToken")), a.text("header", null), null, null, null,
                        null, 0, event, accept, conversationPaths, dedupe, a.text("path", null), null, null, null, "sha256", "body");
            }
            case "hmac" -> {
                a.onlyKeys(Set.of("type", "header", "encoding", "prefix", "timestampHeader", "toleranceSeconds", "credential",
                        "algorithm", "signed"));
                String enc = a.text("encoding", "hex");
                if (!enc.equals("hex") && !enc.equals("base64")) {
                    throw a.get("encoding").error("hex or base64");
                }
                String algorithm = a.text("algorithm", "sha256");
                if (!algorithm.equals("sha256") && !algorithm.equals("sha1")) {
                    throw a.get("algorithm").error("sha256 or sha1");
                }
                // base64Lines: the body as Ruby's Base64.encode64 writes it (60-character lines, each ended by "\n"), BookingSync
                String signed = a.text("signed", "body");
                if (!signed.equals("body") && !signed.equals("base64Lines")) {
                    throw a.get("signed").error("body or base64Lines");
                }
                yield new WebhookSpec(type, List.of(a.text("credential", "webhookSecret")), null, a.text("header"), enc,
                        a.text("prefix", ""), a.text("timestampHeader", null), a.integer("toleranceSeconds", 300), event, accept,
                        conversationPaths, dedupe, null, null, null, null, algorithm, signed);
            }
            case "svix" -> {
                a.onlyKeys(Set.of("type", "credential", "toleranceSeconds"));
                yield new WebhookSpec(type, List.of(a.text("credential", "webhookSecret")), null, "svix-signature", "base64", "v1,",
                        "svix-timestamp", a.integer("toleranceSeconds", 300), event, accept, conversationPaths,
                        dedupe == null ? "svix-id" : dedupe, null, null, null, null, "sha256", "body");
            }
            default -> throw a.get("type").error("unknown webhook auth '" + type + "'; one of basic, token, hmac, svix");
        };
    }
}
