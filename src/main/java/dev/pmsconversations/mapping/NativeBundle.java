package dev.pmsconversations.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One thread as the PMS returns it: the conversation (or reservation) record and its message records,
 * with the PMS's own keys, plus the records its source file reads from other calls ({@code related}, e.g.
 * the lead or guest a thread points to; mapping rules read them as {@code /@name/...}). This is also the
 * input shape of the {@code map} command: {@code {"conversation": {...}, "messages": [...], "related": {...}}}.
 */
public record NativeBundle(JsonNode conversation, List<JsonNode> messages, Map<String, JsonNode> related) {

    /** Prefix under which a related record is visible to the conversation record's rules. */
    public static final String RELATED_PREFIX = "@";

    public NativeBundle {
        messages = messages == null ? List.of() : List.copyOf(messages);
        related = related == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(related));
    }

    public NativeBundle(JsonNode conversation, List<JsonNode> messages) {
        this(conversation, messages, Map.of());
    }

    /** The conversation record as mapping rules see it: with each related record under {@code @name}. */
    public JsonNode conversationWithRelated() {
        if (related.isEmpty() || !conversation.isObject()) {
            return conversation;
        }
        // a shallow copy: rules only read, so the records' own nodes can be shared (a deep copy cost a tenth of a mapping)
        ObjectNode copy = ((ObjectNode) conversation).objectNode();
        copy.setAll((ObjectNode) conversation);
        related.forEach((name, record) -> copy.set(RELATED_PREFIX + name, record));
        return copy;
    }

    public static NativeBundle fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a native bundle must be a JSON object {\"conversation\": {...}, \"messages\": [...]}");
        }
        JsonNode conversation = root.get("conversation");
        if (conversation == null || !conversation.isObject()) {
            throw new IllegalArgumentException("bundle key 'conversation' is missing or not an object");
        }
        JsonNode messages = root.get("messages");
        if (messages != null && !messages.isNull() && !messages.isArray()) {
            throw new IllegalArgumentException("bundle key 'messages' must be an array");
        }
        JsonNode[] list = new JsonNode[messages != null && messages.isArray() ? messages.size() : 0];
        for (int i = 0; i < list.length; i++) {
            list[i] = messages.get(i);
        }
        JsonNode rel = root.get("related");
        if (rel != null && !rel.isNull() && !rel.isObject()) {
            throw new IllegalArgumentException("bundle key 'related' must be an object {name: record}");
        }
        Map<String, JsonNode> related = new LinkedHashMap<>();
        if (rel != null && rel.isObject()) {
            rel.fields().forEachRemaining(e -> related.put(e.getKey(), e.getValue()));
        }
        return new NativeBundle(conversation, List.of(list), related); // List.of: the constructor's copyOf keeps it
    }

    public ObjectNode toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.set("conversation", conversation);
        ArrayNode arr = root.putArray("messages");
        messages.forEach(arr::add);
        if (!related.isEmpty()) {
            ObjectNode rel = root.putObject("related");
            related.forEach(rel::set);
        }
        return root;
    }
}
