package dev.pmsconversations.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * One thread as the PMS returns it: the conversation (or reservation) record and its message records,
 * with the PMS's own keys. This is also the input shape of the {@code map} command:
 * {@code {"conversation": {...}, "messages": [...]}}.
 */
public record NativeBundle(JsonNode conversation, List<JsonNode> messages) {

    public NativeBundle {
        messages = messages == null ? List.of() : List.copyOf(messages);
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
        List<JsonNode> list = new ArrayList<>();
        if (messages != null && messages.isArray()) {
            messages.forEach(list::add);
        }
        return new NativeBundle(conversation, list);
    }

    public ObjectNode toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.set("conversation", conversation);
        ArrayNode arr = root.putArray("messages");
        messages.forEach(arr::add);
        return root;
    }
}
