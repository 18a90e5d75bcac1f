package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;

/** The spec's answer envelope: {@code {"success": true, "data": …}} or {@code {"success": false, "error": {code, message}}}. */
public final class Envelope {
    private Envelope() {
    }

    public static ObjectNode ok(JsonNode data) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("success", true);
        o.set("data", data);
        return o;
    }

    public static ObjectNode error(String code, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("success", false);
        o.set("error", Json.MAPPER.createObjectNode().put("code", code).put("message", message));
        return o;
    }
}
