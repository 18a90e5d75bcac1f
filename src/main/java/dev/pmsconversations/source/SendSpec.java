package dev.pmsconversations.source;

import dev.pmsconversations.limits.RateLimit;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.yaml.YamlNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code api.send:} section: the PMS's native "send a message" call. The body is a JSON template whose
 * {@code ${...}} placeholders are filled from the unified request ({@link BodyTemplate}); {@code types}
 * maps the unified message types the PMS can send to its own values (others are refused with 422).
 *
 * @param messageIdPath where the answer carries the PMS's id of the new message (null: found by lookup)
 * @param attachmentsPath where attachments go in the body, null when the PMS takes none
 * @param acceptedPath    for PMSs that answer 2xx to a refused message (Beds24: {@code [{"success": false, ...}]}): the
 *                        pointer of the success flag; false there means refused, with the text at {@code errorPath}
 */
public record SendSpec(String method, String path, JsonNode body, Map<String, String> types, String defaultType,
                       String messageIdPath, String attachmentsPath, JsonNode attachmentItem,
                       List<RateLimit> rateLimits, boolean subjectRequiredForEmail, String acceptedPath, String errorPath,
                       Map<String, Prepare> prepare) {

    /**
     * A value read from the PMS before sending (e.g. the thread's provider), usable as {@code ${name}} in the body
     * and in {@code types}: the request's answer, at {@code valuePath}.
     */
    public record Prepare(ApiSpec.Request request, String valuePath, boolean optional, Prepare otherwise) {
    }

    /**
     * One step: a request (path/body may use {@code {name}}/{@code ${name}} of earlier steps and {@code id}), the value's
     * pointer (a {@link dev.pmsconversations.mapping.Selector}), {@code optional}, and {@code otherwise}: a request made
     * when the value is absent (BookingSync: create the Host participant the conversation lacks).
     */
    private static Prepare prepare(YamlNode step, Set<String> earlier) {
        Set<String> vars = new java.util.HashSet<>(earlier);
        vars.add("id");
        Prepare otherwise = step.has("otherwise") ? prepare(step.get("otherwise"), earlier) : null;
        String value = step.text("value");
        try {
            dev.pmsconversations.mapping.Selector.parse(value);
        } catch (IllegalArgumentException e) {
            throw step.get("value").error("'" + value + "' is not a path: " + e.getMessage());
        }
        return new Prepare(ApiSpec.request(step, Set.of("value", "optional", "otherwise"), vars), value, step.bool("optional", false), otherwise);
    }

    /** An object, or an array (PMSs such as Lodgify and Beds24 take a list of messages). */
    private static JsonNode body(dev.pmsconversations.yaml.YamlNode b) {
        if (b.isArray()) {
            return b.json();
        }
        return b.object().json();
    }

    static SendSpec read(YamlNode s) {
        if (s.isMissing()) {
            return null;
        }
        s.onlyKeys(Set.of("method", "path", "body", "types", "defaultType", "messageId", "attachments", "rateLimit", "note",
                "subjectRequiredForEmail", "accepted", "error", "prepare"));
        String path = s.text("path");
        if (!path.startsWith("/")) {
            throw s.get("path").error("must start with '/' (it is appended to baseUrl)");
        }
        Map<String, String> types = new LinkedHashMap<>(s.get("types").stringMap());
        for (String t : types.keySet()) {
            if (!Set.of("CHANNEL", "EMAIL", "SMS", "WHATSAPP", "DIRECT").contains(t)) {
                throw s.get("types").error("unknown unified message type '" + t + "'; one of CHANNEL, EMAIL, SMS, WHATSAPP, DIRECT");
            }
        }
        String def = s.text("defaultType", types.keySet().iterator().next());
        if (!types.containsKey(def)) {
            throw s.get("defaultType").error("'" + def + "' is not one of the types " + types.keySet());
        }
        String attachmentsPath = null;
        JsonNode item = null;
        if (s.has("attachments")) {
            YamlNode a = s.get("attachments").onlyKeys(Set.of("path", "item"));
            attachmentsPath = a.text("path");
            item = a.get("item").object().json();
        }
        Map<String, Prepare> prepare = new LinkedHashMap<>();
        (s.has("prepare") ? s.get("prepare").entries() : Map.<String, YamlNode>of()).forEach((name, step) -> {
            if (!name.matches("[A-Za-z]+") || BodyTemplate.VARIABLES.contains(name)) {
                throw step.error("prepared value name '" + name + "' must be a word other than " + BodyTemplate.VARIABLES);
            }
            prepare.put(name, prepare(step, prepare.keySet()));
        });
        Set<String> known = new java.util.HashSet<>(BodyTemplate.VARIABLES);
        known.addAll(prepare.keySet());
        if (!s.has("body")) {
            throw s.error("api.send needs a body: what the PMS's send call takes, e.g. { body: \"${body}\" }");
        }
        BodyTemplate.check(s.get("body"), known);
        types.forEach((unified, value) -> BodyTemplate.check(s.get("types").get(unified), known));
        return new SendSpec(s.text("method", "POST"), path, body(s.get("body")), Map.copyOf(types), def,
                s.text("messageId", null), attachmentsPath, item,
                s.has("rateLimit") ? ApiSpec.rateLimits(s.get("rateLimit")) : List.of(),
                s.bool("subjectRequiredForEmail", true), s.text("accepted", null), s.text("error", null), java.util.Collections.unmodifiableMap(prepare));
    }
}
