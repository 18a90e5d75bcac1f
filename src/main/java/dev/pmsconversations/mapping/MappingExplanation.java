package dev.pmsconversations.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code map --explain}: for each unified field a source file maps, the native path(s) its rule reads, which of them
 * had a value in this bundle, the mapped value (conversation fields) or how many messages got one, why a value is
 * null (the tolerance report), and the field's evidence grade. The tool for "this field is wrong": it shows where a
 * value came from without reading the engine.
 */
public final class MappingExplanation {
    private MappingExplanation() {
    }

    /** The explanation as text lines, one per mapped field, in the coverage matrix's order. */
    public static List<String> lines(ConversationMapping mapping, YamlNode spec, NativeBundle bundle, MappedConversation mapped) {
        JsonNode unified = Json.output(true).valueToTree(mapped.conversation());
        JsonNode record = bundle.conversationWithRelated();
        List<String> out = new ArrayList<>();
        out.add(String.format("%-34s %-10s %s", "field", "evidence", "native path → value"));
        for (Map.Entry<String, String> field : mapping.coverage().entrySet()) {
            String key = field.getKey();
            YamlNode rule = rule(spec, key);
            List<String> paths = new ArrayList<>();
            collectPaths(rule, paths);
            Evidence evidence = mapping.evidence().get(key);
            String grade = evidence != null ? evidence.grade().name().toLowerCase(java.util.Locale.ROOT)
                    : field.getValue().equals("assumed") ? "assumed" : "ungraded";
            String source = describeRule(rule, paths);
            String result;
            if (key.startsWith("messages.attachments.")) {
                result = count(unified, key) + " of " + attachments(unified) + " attachments have a value";
            } else if (key.startsWith("messages.")) {
                result = count(unified, key) + " of " + unified.path("messages").size() + " messages have a value"
                        + nativeCounts(paths, rule, bundle, record);
            } else {
                JsonNode value = unified.at("/" + key.replace('.', '/'));
                // a "latest of" rule takes the latest of those present: no single path to name
                String from = rule.isObject() && rule.has("latest") ? null : firstPresent(paths, rule, record, null);
                result = (value.isNull() || value.isMissingNode() ? "null" : value.toString())
                        + (from != null ? " (from " + from + ")" : "");
            }
            String why = mapped.report().issues().stream().filter(i -> i.field().equals(key)).findFirst()
                    .map(i -> "; " + i.kind().label() + (i.raw() != null ? " '" + i.raw() + "'" : "")).orElse("");
            out.add(String.format("%-34s %-10s %s → %s%s", key, grade, source, result, why));
        }
        return out;
    }

    /** The field's rule in the file's {@code mapping:} section. */
    private static YamlNode rule(YamlNode spec, String key) {
        if (key.startsWith("messages.attachments.")) {
            String leaf = key.substring("messages.attachments.".length()).replace("type.", "");
            return spec.get("message").get("attachments").get("item").get(leaf);
        }
        if (key.startsWith("messages.")) {
            return spec.get("message").get(key.substring("messages.".length()));
        }
        if (key.startsWith("recipient.")) {
            return spec.get("conversation").get("recipient").get(key.substring("recipient.".length()));
        }
        return spec.get("conversation").get(key);
    }

    /** Every native path the rule reads: a path string, path/paths/latest, and those of its firstOf items. */
    private static void collectPaths(YamlNode rule, List<String> into) {
        if (rule.isMissing()) {
            return;
        }
        if (rule.isText()) {
            into.add(rule.text());
            return;
        }
        if (!rule.isObject()) {
            return;
        }
        for (String k : List.of("path", "zonePath")) {
            if (rule.has(k)) {
                into.add(rule.text(k));
            }
        }
        for (String k : List.of("paths", "latest")) {
            if (rule.has(k)) {
                into.addAll(rule.get(k).textList());
            }
        }
        if (rule.has("firstOf")) {
            rule.get("firstOf").items().forEach(item -> collectPaths(item, into));
        }
    }

    private static String describeRule(YamlNode rule, List<String> paths) {
        if (rule.isObject() && rule.has("const")) {
            return "constant '" + rule.text("const") + "'";
        }
        if (rule.isObject() && rule.has("hook")) {
            return "hook " + rule.text("hook") + (paths.isEmpty() ? "" : " on " + String.join(", ", paths));
        }
        if (rule.isObject() && rule.has("latest")) {
            return "latest of " + String.join(", ", paths);
        }
        return paths.size() == 1 ? paths.get(0) : "first of " + String.join(", ", paths);
    }

    /** The first of the rule's paths with a value in the record (conversation fields). */
    private static String firstPresent(List<String> paths, YamlNode rule, JsonNode record, JsonNode parent) {
        for (String p : paths) {
            if (value(p, rule, record, parent) != null) {
                return p;
            }
        }
        return null;
    }

    private static String value(String expression, YamlNode rule, JsonNode record, JsonNode parent) {
        try {
            return FieldCompiler.path(rule, expression).text(record, parent);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** For message fields with several paths: how many native messages have each. */
    private static String nativeCounts(List<String> paths, YamlNode rule, NativeBundle bundle, JsonNode record) {
        if (paths.size() < 2) {
            return "";
        }
        List<String> counts = new ArrayList<>();
        for (String p : paths) {
            long n = bundle.messages().stream().filter(m -> value(p, rule, m, record) != null).count();
            counts.add(p + " in " + n);
        }
        return " (native: " + String.join(", ", counts) + ")";
    }

    private static int count(JsonNode unified, String key) {
        int n = 0;
        if (key.startsWith("messages.attachments.")) {
            String leaf = "/" + key.substring("messages.attachments.".length()).replace('.', '/');
            for (JsonNode m : unified.path("messages")) {
                for (JsonNode a : m.path("attachments")) {
                    n += present(a.at(leaf)) ? 1 : 0;
                }
            }
            return n;
        }
        String leaf = key.substring("messages.".length());
        for (JsonNode m : unified.path("messages")) {
            n += present(m.path(leaf)) ? 1 : 0;
        }
        return n;
    }

    private static int attachments(JsonNode unified) {
        int n = 0;
        for (JsonNode m : unified.path("messages")) {
            n += m.path("attachments").size();
        }
        return n;
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isMissingNode() && !n.isNull();
    }
}
