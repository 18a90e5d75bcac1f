package dev.pmsconversations.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import java.util.List;

/** Short, secret-free reasons from what a PMS answered, for messages and dead letters. */
final class PmsAnswers {
    private PmsAnswers() {
    }

    /** The error answer's own explanation (its "message" field or the like), as ": text"; "" when it has none. */
    static String errorText(String body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            for (String k : List.of("message", "error_description", "error", "detail", "title")) {
                if (n.path(k).isTextual()) {
                    String t = n.path(k).asText();
                    return ": " + (t.length() <= 300 ? t : t.substring(0, 297) + "...");
                }
            }
        } catch (Exception ignored) {
            // not JSON: no detail
        }
        return "";
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }

    static String shortReason(Exception e) {
        return firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
