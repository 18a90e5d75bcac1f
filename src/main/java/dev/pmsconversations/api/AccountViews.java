package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.account.StoredAccount;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.sync.AccountStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/** An account as /v2/accounts answers it: which credential keys are set (never a value), its status and webhook set-up. */
final class AccountViews {
    private final SourceRegistry sources;
    private final Supplier<Map<String, AccountStatus>> status;

    AccountViews(SourceRegistry sources, Supplier<Map<String, AccountStatus>> status) {
        this.sources = sources;
        this.status = status;
    }

    ObjectNode view(StoredAccount a) {
        ObjectNode o = common(a.id(), a.source(), "api", a.every(), a.cron(), a.sinks(), a.credentials().keySet());
        o.put("name", a.name()).put("externalRef", a.externalRef()).put("paused", a.paused());
        ArrayNode tags = o.putArray("tags");
        a.tags().forEach(tags::add);
        status(o, a.id(), a.paused());
        o.put("createdAt", a.createdAt().toString()).put("updatedAt", a.updatedAt().toString()).put("version", a.version());
        return o;
    }

    ObjectNode configView(AccountConfig a) {
        ObjectNode o = common(a.id(), a.source(), "config", a.every(), a.cron(), a.sinks(), a.credentials().keySet());
        o.putNull("name").putNull("externalRef").put("paused", false);
        o.putArray("tags");
        status(o, a.id(), false);
        return o;
    }

    private ObjectNode common(String id, String source, String managedBy, String every, String cron, List<String> sinks,
                              Set<String> credentialKeys) {
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
        if (def == null || def.api().webhook() == null) {
            hooks.put("state", "NONE").put("note", "the PMS sends no webhook for messages: the account is polled");
        } else {
            hooks.put("state", "MANUAL").put("path", "/webhooks/" + source + "/" + id)
                    .put("note", "register <api.publicUrl>/webhooks/" + source + "/" + id + " in the PMS (see mappings/" + source + ".yaml)");
        }
        return o;
    }

    private void status(ObjectNode o, String id, boolean paused) {
        AccountStatus s = status.get().get(id);
        String state = paused ? "PAUSED" : s == null ? "ACTIVE" : s.authFailed() ? "AUTH_FAILED" : s.downReason() != null ? "ERROR" : "ACTIVE";
        o.put("status", state).put("lastPollAt", s == null ? null : s.lastPollAt()).put("lastGoodPollAt", s == null ? null : s.lastSuccessAt())
                .put("lastError", s == null ? null : s.lastError());
    }

}
