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
 */
public record WebhookSpec(String auth, List<String> credentials, String tokenHeader, String signatureHeader,
                          String signatureEncoding, String signaturePrefix, String timestampHeader, long toleranceSeconds,
                          String eventPath, List<String> acceptEvents, List<String> conversationIdPaths, String dedupeHeader) {

    static WebhookSpec read(YamlNode w) {
        if (w.isMissing()) {
            return null;
        }
        w.onlyKeys(Set.of("auth", "event", "accept", "conversationId", "dedupeHeader", "note"));
        YamlNode a = w.get("auth").object();
        String type = a.text("type");
        List<String> conversationPaths = w.get("conversationId").isArray() ? w.get("conversationId").textList()
                : List.of(w.text("conversationId"));
        List<String> accept = w.has("accept") ? w.get("accept").textList() : List.of();
        String event = w.text("event", null);
        String dedupe = w.text("dedupeHeader", null);
        return switch (type) {
            case "basic" -> {
                a.onlyKeys(Set.of("type", "user", "password"));
                yield new WebhookSpec(type, List.of(a.text("user", "webhookUser"), a.text("password", "webhookPassword")), null, null,
                        null, null, null, 0, event, accept, conversationPaths, dedupe);
            }
            case "token" -> {
                a.onlyKeys(Set.of("type", "header", "credential"));
                yield new WebhookSpec(type, List.of(a.text("credential", "webhookToken")), a.text("header", null), null, null, null,
                        null, 0, event, accept, conversationPaths, dedupe);
            }
            case "hmac" -> {
                a.onlyKeys(Set.of("type", "header", "encoding", "prefix", "timestampHeader", "toleranceSeconds", "credential"));
                String enc = a.text("encoding", "hex");
                if (!enc.equals("hex") && !enc.equals("base64")) {
                    throw a.get("encoding").error("hex or base64");
                }
                yield new WebhookSpec(type, List.of(a.text("credential", "webhookSecret")), null, a.text("header"), enc,
                        a.text("prefix", ""), a.text("timestampHeader", null), a.integer("toleranceSeconds", 300), event, accept,
                        conversationPaths, dedupe);
            }
            case "svix" -> {
                a.onlyKeys(Set.of("type", "credential", "toleranceSeconds"));
                yield new WebhookSpec(type, List.of(a.text("credential", "webhookSecret")), null, "svix-signature", "base64", "v1,",
                        "svix-timestamp", a.integer("toleranceSeconds", 300), event, accept, conversationPaths,
                        dedupe == null ? "svix-id" : dedupe);
            }
            default -> throw a.get("type").error("unknown webhook auth '" + type + "'; one of basic, token, hmac, svix");
        };
    }
}
