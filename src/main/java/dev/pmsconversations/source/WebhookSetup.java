package dev.pmsconversations.source;

import dev.pmsconversations.yaml.YamlNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an account's webhook gets registered at the PMS ({@code api.webhook.subscribe} / {@code api.webhook.manual}): through
 * the PMS's own subscription API, or by hand with the instructions given.
 *
 * <p>{@code subscribe.create} is a request whose body may use {@code ${url}} (the account's receiver URL) and
 * {@code ${<credential>}} for each name in {@code generate} (secrets the runtime makes for the PMS to authenticate its calls
 * with, e.g. Hostaway's Basic login); {@code create.id} points at the subscription's id in the answer, {@code issued} at
 * secrets the PMS makes itself (e.g. Lodgify's signing secret), kept as the account's credentials of those names.
 * {@code subscribe.delete} removes it: {@code {subscriptionId}} in its path, {@code ${subscriptionId}} in its body.
 * {@code credentials} names account credentials the create body uses as {@code ${name}} (e.g. Hostfully's agencyUid);
 * {@code issuedBy} is a request made after the create call whose answer holds the {@code issued} secrets instead (Guesty
 * answers its signing secret at {@code GET /webhooks-v2/secret?url=…}); its query values may use {@code ${url}}.
 *
 * @param manual what the user registers by hand where there is no such API (null: there is one)
 */
public record WebhookSetup(ApiSpec.Request create, String idPath, ApiSpec.Request delete, List<String> generate,
                           Map<String, String> issued, String manual, List<String> credentials, ApiSpec.Request issuedBy) {

    public boolean automatic() {
        return create != null;
    }

    static WebhookSetup read(YamlNode webhook) {
        if (webhook.isMissing()) {
            return null;
        }
        YamlNode s = webhook.get("subscribe");
        String manual = webhook.text("manual", null);
        if (s.isMissing()) {
            return new WebhookSetup(null, null, null, List.of(), Map.of(), manual, List.of(), null);
        }
        s.onlyKeys(Set.of("create", "delete", "generate", "issued", "credentials", "issuedBy"));
        List<String> generate = s.has("generate") ? s.get("generate").textList() : List.of();
        List<String> credentials = s.has("credentials") ? s.get("credentials").textList() : List.of();
        Set<String> createVariables = new java.util.HashSet<>(generate);
        createVariables.addAll(credentials);
        createVariables.add("url");
        ApiSpec.Request create = ApiSpec.request(s.get("create").object(), Set.of("id"), createVariables);
        ApiSpec.Request delete = ApiSpec.request(s.get("delete").object(), Set.of(), Set.of("subscriptionId"));
        Map<String, String> issued = s.has("issued") ? new LinkedHashMap<>(s.get("issued").stringMap()) : Map.of();
        ApiSpec.Request issuedBy = s.has("issuedBy") ? ApiSpec.request(s.get("issuedBy").object(), Set.of(), Set.of("url")) : null;
        if (issuedBy != null && issued.isEmpty()) {
            throw s.get("issuedBy").error("issuedBy is the request whose answer holds the issued secrets: name them in issued");
        }
        return new WebhookSetup(create, s.get("create").text("id"), delete, generate, issued, manual, credentials, issuedBy);
    }
}
