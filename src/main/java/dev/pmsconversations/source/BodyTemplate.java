package dev.pmsconversations.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.yaml.YamlNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a JSON template from a source file: a string that is exactly {@code ${name}} becomes the value
 * (a missing/null value removes the key, so optional fields are simply absent); {@code ${name}} inside a
 * longer string is replaced by the value's text. Variables: body, subject, type (the PMS's value),
 * unifiedType, conversationId, reservationId, attachments, now (ISO-8601 UTC).
 */
public final class BodyTemplate {
    static final Set<String> VARIABLES = Set.of("body", "subject", "type", "unifiedType", "conversationId", "reservationId",
            "attachments", "name", "url", "now");
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z]+|/[^}]*)}");

    private BodyTemplate() {
    }

    /** Load-time check of a send body: every placeholder names a known variable. */
    static void check(YamlNode node, Set<String> known) {
        check(node, known, false);
    }

    /** Load-time check of a request body: {@code ${id}} (the conversation id) and {@code ${/pointer}} into the thread record. */
    static void checkRequest(YamlNode node, Set<String> known) {
        check(node, known, true);
    }

    private static void check(YamlNode node, Set<String> known, boolean pointers) {
        JsonNode json = node.json();
        if (json.isTextual()) {
            Matcher m = VAR.matcher(json.asText());
            while (m.find()) {
                boolean pointer = m.group(1).startsWith("/");
                if (pointer ? !pointers : !known.contains(m.group(1))) {
                    throw node.error("unknown placeholder ${" + m.group(1) + "}; one of " + known + (pointers ? " or ${/pointer}" : ""));
                }
            }
        } else if (json.isObject()) {
            node.entries().values().forEach(n -> check(n, known, pointers));
        } else if (json.isArray()) {
            node.items().forEach(n -> check(n, known, pointers));
        }
    }

    public static JsonNode render(JsonNode template, Map<String, ?> values) {
        if (template.isTextual()) {
            String text = template.asText();
            Matcher whole = VAR.matcher(text);
            if (whole.matches()) {
                Object v = values.get(whole.group(1));
                return v == null ? null : v instanceof JsonNode j ? j : JsonNodeFactory.instance.textNode(v.toString());
            }
            Matcher m = VAR.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                Object v = values.get(m.group(1));
                m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? "" : v instanceof JsonNode j ? j.asText() : v.toString()));
            }
            m.appendTail(sb);
            return JsonNodeFactory.instance.textNode(sb.toString());
        }
        if (template.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = render(e.getValue(), values);
                if (v != null) {
                    out.set(e.getKey(), v);
                }
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            template.forEach(t -> {
                JsonNode v = render(t, values);
                if (v != null) {
                    out.add(v);
                }
            });
            return out;
        }
        return template;
    }
}
