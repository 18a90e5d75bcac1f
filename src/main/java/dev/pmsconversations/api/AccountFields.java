package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.config.Durations;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;

/** The fields of an account's create and change bodies, each checked, an error naming the field (422). */
final class AccountFields {
    private final SourceRegistry sources;
    private final Set<String> sinkNames;

    AccountFields(SourceRegistry sources, Set<String> sinkNames) {
        this.sources = sources;
        this.sinkNames = sinkNames;
    }

    Map<String, String> credentials(SourceDefinition def, JsonNode n, boolean complete) {
        if (!n.isObject()) {
            throw ApiException.invalid("credentials", "an object of the source's credential keys: " + expected(def));
        }
        Set<String> known = expected(def);
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey())) {
                throw ApiException.invalid("credentials." + e.getKey(), "not a credential of " + def.name() + "; expected: " + known);
            }
            if (!e.getValue().isTextual() || e.getValue().asText().isEmpty()) {
                throw ApiException.invalid("credentials." + e.getKey(), "a non-empty string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        if (complete) {
            missingCredentials(def, out);
        }
        return out;
    }

    static void missingCredentials(SourceDefinition def, Map<String, String> given) {
        Set<String> required = new TreeSet<>(def.api().auth().credentialNames());
        required.addAll(def.api().queryCredentials());
        required.removeAll(given.keySet());
        if (!required.isEmpty()) {
            throw ApiException.invalid("credentials", "missing " + required + " (" + def.name() + " auth: " + def.api().auth().type() + ")");
        }
    }

    /** The credential keys a source reads: its auth's and query's, and its webhook's (verified on receipt). */
    static Set<String> expected(SourceDefinition def) {
        Set<String> keys = new TreeSet<>(def.api().auth().credentialNames());
        keys.addAll(def.api().queryCredentials());
        if (def.api().webhook() != null) {
            keys.addAll(def.api().webhook().credentials());
        }
        return keys;
    }

    SourceDefinition source(String key) {
        SourceDefinition def = key == null ? null : sources.get(key);
        if (def == null) {
            throw ApiException.invalid("source", "unknown source '" + key + "'; known: " + new TreeSet<>(sources.all().keySet()));
        }
        if (!def.messaging()) {
            throw ApiException.invalid("source", def.name() + " cannot be synced for conversations: " + def.unsupportedReason());
        }
        return def;
    }

    static String[] schedule(JsonNode n, String[] fallback) {
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.isObject() || n.has("every") == n.has("cron") || n.size() != 1) {
            throw ApiException.invalid("schedule", "{\"every\": \"60s\"} or {\"cron\": \"0 0/5 * * * ?\"}");
        }
        if (n.has("every")) {
            try {
                Durations.millis(n.path("every").asText());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("schedule.every", e.getMessage());
            }
            return new String[] {n.path("every").asText(), null};
        }
        if (!org.quartz.CronExpression.isValidExpression(n.path("cron").asText())) {
            throw ApiException.invalid("schedule.cron", "not a Quartz cron expression (seconds minutes hours day month weekday)");
        }
        return new String[] {null, n.path("cron").asText()};
    }

    List<String> sinks(JsonNode n, List<String> fallback) {
        List<String> names = strings(n, "sinks", fallback);
        for (String s : names) {
            if (!sinkNames.contains(s)) {
                throw ApiException.invalid("sinks", "no sink named '" + s + "'; configured: " + new TreeSet<>(sinkNames));
            }
        }
        return names;
    }

    static List<String> strings(JsonNode n, String field, List<String> fallback) {
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.isArray()) {
            throw ApiException.invalid(field, "an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : n) {
            if (!v.isTextual() || v.asText().isBlank()) {
                throw ApiException.invalid(field, "an array of non-empty strings");
            }
            out.add(v.asText());
        }
        return List.copyOf(out);
    }

    static String zone(String z) {
        try {
            return ZoneId.of(z).getId();
        } catch (RuntimeException e) {
            throw ApiException.invalid("timeZone", "unknown time zone '" + z + "'");
        }
    }

    static boolean paused(JsonNode body) {
        if (!body.path("paused").isBoolean()) {
            throw ApiException.invalid("paused", "true or false");
        }
        return body.path("paused").asBoolean();
    }

    static JsonNode body(Exchange ex) {
        String raw = ex.getIn().getBody(String.class);
        try {
            JsonNode n = raw == null || raw.isBlank() ? null : Json.MAPPER.readTree(raw);
            if (n == null || !n.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON");
        }
    }

    static void onlyFields(JsonNode body, Set<String> allowed) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiException.invalid(f, "unknown field; allowed: " + new TreeSet<>(allowed));
            }
        }
    }

    static String text(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiException.invalid(field, "required (a non-empty string)");
        }
        return v.asText();
    }

    static String optional(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(field, "a string");
        }
        return v.asText().isEmpty() ? null : v.asText();
    }

}
