package dev.pmsconversations.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Conversation;

/** The baseline: one source's mapping written by hand against Jackson's tree, from the bundle's root. */
interface HandMapper {
    Conversation map(JsonNode bundle);

    static HandMapper of(String source) {
        return switch (source) {
            case "hostaway" -> new HostawayHandMapper();
            case "guesty" -> new GuestyHandMapper();
            case "bookingsync" -> new BookingSyncHandMapper();
            default -> throw new IllegalArgumentException("no hand-written mapper for " + source);
        };
    }
}
