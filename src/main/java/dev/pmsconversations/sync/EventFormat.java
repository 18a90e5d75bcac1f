package dev.pmsconversations.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pmsconversations.model.ConversationEvent;
import dev.pmsconversations.model.Json;

/** Sink payloads: the conversation document, or the event as one NDJSON line. */
public final class EventFormat {
    private final boolean includeDeprecated;

    public EventFormat(boolean includeDeprecated) {
        this.includeDeprecated = includeDeprecated;
    }

    public String conversation(ConversationEvent event) throws JsonProcessingException {
        return Json.output(includeDeprecated).writerWithDefaultPrettyPrinter().writeValueAsString(event.data()) + "\n";
    }

    public String event(ConversationEvent event) throws JsonProcessingException {
        return Json.output(includeDeprecated).writeValueAsString(event) + "\n";
    }
}
