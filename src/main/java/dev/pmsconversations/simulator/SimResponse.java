package dev.pmsconversations.simulator;

import java.util.Map;

/** What a simulated PMS answers. */
public record SimResponse(int status, String contentType, String body, Map<String, String> headers) {

    public static SimResponse json(int status, String body) {
        return new SimResponse(status, "application/json", body, Map.of());
    }

    public static SimResponse error(int status, String message) {
        return json(status, "{\"status\":\"fail\",\"message\":\"" + message.replace("\"", "'") + "\"}");
    }
}
