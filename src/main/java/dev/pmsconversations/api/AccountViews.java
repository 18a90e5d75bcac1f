package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.account.AccountHealth;
import dev.pmsconversations.account.StoredAccount;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An account as /v2/accounts answers it: which credential keys are set (never a value), its status (as the cluster
 * recorded it, {@link AccountHealth}: every node answers the same) and webhook set-up.
 */
final class AccountViews {
    private final SourceRegistry sources;
    private final String publicUrl;

    AccountViews(SourceRegistry sources, String publicUrl) {
        this.sources = sources;
        this.publicUrl = publicUrl;
    }

    /** @param health its row (null before its first poll) */
    ObjectNode view(StoredAccount a, AccountHealth.Health health) {
        ObjectNode o = common(a.id(), a.source(), "api", a.every(), a.cron(), a.sinks(), a.credentials().keySet(), a.webhookId());
        o.put("name", a.name()).put("externalRef", a.externalRef()).put("paused", a.paused());
        ArrayNode tags = o.putArray("tags");
        a.tags().forEach(tags::add);
        status(o, health, a.paused());
        o.put("createdAt", a.createdAt().toString()).put("updatedAt", a.updatedAt().toString()).put("version", a.version());
        return o;
    }

    ObjectNode configView(AccountConfig a, AccountHealth.Health health) {
        ObjectNode o = common(a.id(), a.source(), "config", a.every(), a.cron(), a.sinks(), a.credentials().keySet(), null);
        o.putNull("name").putNull("externalRef").put("paused", false);
        o.putArray("tags");
        status(o, health, false);
        return o;
    }

    private ObjectNode common(String id, String source, String managedBy, String every, String cron, List<String> sinks,
                              Set<String> credentialKeys, String webhookId) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", id).put("source", source).put("managedBy", managedBy);
        ObjectNode schedule = o.putObject("schedule");
        if (cron != null) {
            schedule.put("cron", cron);
        } else {
            schedule.put("every", every);
        }
        ArrayNode s = o.putArray("sinks");
        sinks.forEach(s::add);
        ArrayNode keys = o.putObject("credentials").putArray("keys"); // which are set, never their values
        new TreeSet<>(credentialKeys).forEach(keys::add);
        SourceDefinition def = sources.get(source);
        ObjectNode hooks = o.putObject("webhooks");
        String path = "/webhooks/" + source + "/" + id;
        String url = (publicUrl == null ? "<api.publicUrl>" : publicUrl) + path;
        dev.pmsconversations.source.WebhookSetup setup = def == null ? null : def.api().webhookSetup();
        if (def == null || def.api().webhook() == null) {
            hooks.put("state", "NONE").put("note", "the PMS sends no webhook for messages: the account is polled");
        } else if (webhookId != null) {
            hooks.put("state", "SUBSCRIBED").put("path", path).put("url", url).put("subscriptionId", webhookId)
                    .put("note", "subscribed through the PMS's API; deleted there with the account");
        } else {
            String how = setup != null && setup.manual() != null ? setup.manual() : "see mappings/" + source + ".yaml";
            hooks.put("state", "MANUAL").put("path", path).put("url", url).put("note", "register " + url + " in the PMS: " + how
                    + (setup != null && setup.automatic() && publicUrl == null ? " (set api.publicUrl and new accounts are subscribed "
                    + "through the PMS's API)" : ""));
        }
        return o;
    }

    private static void status(ObjectNode o, AccountHealth.Health h, boolean paused) {
        o.put("status", h == null ? (paused ? "PAUSED" : AccountHealth.ACTIVE) : h.status(paused))
                .put("statusReason", h == null ? null : h.reason())
                .put("lastPollAt", h == null || h.lastPollAt() == null ? null : h.lastPollAt().toString())
                .put("lastGoodPollAt", h == null || h.lastGoodPollAt() == null ? null : h.lastGoodPollAt().toString())
                .put("lastError", h == null ? null : h.lastError());
    }

}
