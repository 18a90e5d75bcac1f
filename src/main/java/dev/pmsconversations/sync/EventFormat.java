package dev.pmsconversations.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pmsconversations.model.ConversationEvent;
import dev.pmsconversations.model.Json;

/** Sink payloads: the conversation document, or the event (a conversation's or an account's) as one NDJSON line. */
public final class EventFormat {
    private final boolean includeDeprecated;

    public EventFormat(boolean includeDeprecated) {
        this.includeDeprecated = includeDeprecated;
    }

    public String conversation(ConversationEvent event) throws JsonProcessingException {
        return Json.output(includeDeprecated).writerWithDefaultPrettyPrinter().writeValueAsString(event.data()) + "\n";
    }

    /** A conversation's or an account's event ({@link dev.pmsconversations.model.AccountEvent}). */
    public String event(Object event) throws JsonProcessingException {
        return Json.output(includeDeprecated).writeValueAsString(event) + "\n";
    }
}
