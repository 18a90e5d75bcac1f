package dev.pmsconversations.source;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.mapping.Selector;
import dev.pmsconversations.model.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A source file's request as written, made concrete: {@code {id}} and {@code {/pointer}} placeholders of paths, query
 * values and body templates filled from the thread record, paging values set in a JSON body.
 */
final class RequestTemplates {
    private static final Pattern POINTER_PLACEHOLDER = Pattern.compile("\\{(/[^}]*)}");

    private RequestTemplates() {
    }

    /**
     * Values for a path's placeholders: {@code {id}} = the conversation id, {@code {/pointer}} = a value of the
     * thread record. Null when the record lacks one (the call cannot be made).
     */
    static Map<String, String> placeholders(String path, String conversationId, JsonNode record) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("id", conversationId);
        Matcher m = POINTER_PLACEHOLDER.matcher(path);
        while (m.find()) {
            JsonNode v = record == null ? null : m.group(1).contains("/*/") ? collect(record, m.group(1))
                    : Selector.parse(m.group(1)).select(record, record);
            String value = v == null ? "" : v.isArray() ? joined(v) : v.isValueNode() && !v.isNull() ? v.asText() : "";
            if (value.isEmpty()) {
                return null;
            }
            params.put(m.group(1), value);
        }
        return params;
    }

    /**
     * {@code /a/*}{@code /b}: the values at {@code /b} of every element of the array at {@code /a}, arrays flattened, as one
     * array (BookingSync: every message's attachment ids, {@code /@messages/*}{@code /links/attachments}).
     */
    private static JsonNode collect(JsonNode record, String pointer) {
        int star = pointer.indexOf("/*/");
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode element : record.at(JsonPointer.compile(pointer.substring(0, star)))) {
            String rest = pointer.substring(star + 2);
            JsonNode v = rest.contains("/*/") ? collect(element, rest) : element.at(JsonPointer.compile(rest));
            if (v.isArray()) {
                v.forEach(out::add);
            } else if (v.isValueNode() && !v.isNull()) {
                out.add(v);
            }
        }
        return out;
    }

    /** An array of ids as the comma-separated list APIs take in a path (e.g. /messages/1,2,3). */
    static String joined(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(e -> {
            if (e.isValueNode() && !e.isNull() && !e.asText().isEmpty()) {
                parts.add(e.asText());
            }
        });
        return String.join(",", parts);
    }

    /** The request's body template filled with the path placeholders' values; null for a request without a body. */
    static ObjectNode requestBody(ApiSpec.Request request, Map<String, String> params) {
        return request.body() == null ? null : (ObjectNode) BodyTemplate.render(request.body(), params);
    }

    /** Sets a paging value at a JSON pointer of the body (creating objects on the way); numbers stay numbers. */
    static void setAt(ObjectNode body, String pointer, String value) {
        JsonPointer ptr = JsonPointer.compile(pointer.startsWith("/") ? pointer : "/" + pointer);
        ObjectNode parent = body;
        for (JsonPointer p = ptr; p.tail() != null && !p.tail().matches(); p = p.tail()) {
            JsonNode child = parent.get(p.getMatchingProperty());
            parent = child instanceof ObjectNode o ? o : parent.putObject(p.getMatchingProperty());
        }
        String name = ptr.last().getMatchingProperty();
        if (value.matches("-?\\d{1,18}")) {
            parent.put(name, Long.parseLong(value));
        } else {
            parent.put(name, value);
        }
    }

    /** Fills placeholders in a query value (encoded later, with the rest of the query). */
    static String fill(String value, Map<String, String> params) {
        String out = value;
        for (Map.Entry<String, String> e : params.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    /** Fills a path's placeholders, each value URL-encoded. */
    static String expand(String path, Map<String, String> params) {
        String out = path;
        for (Map.Entry<String, String> e : params.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
