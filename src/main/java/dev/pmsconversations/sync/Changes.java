package dev.pmsconversations.sync;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.model.Message;
import dev.pmsconversations.source.SourceDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Change detection: a thread's marker as listed, the canonical content that is hashed, what is new since the last delivery. */
final class Changes {
    private static final Logger LOG = LoggerFactory.getLogger(SyncService.class);

    private Changes() {
    }

    /** Prefix of a marker stored by a read close to the thread's newest message: the next poll reads it again. */
    static final String UNSETTLED = "unsettled:";
    /** How close to a message counts as "the same second", with room for the PMS's clock being off from ours. */
    private static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(5);

    /** True when {@code at} is so close to {@code now} that the PMS may still write more in the same second. */
    static boolean unsettled(Instant at, Instant now) {
        return java.time.Duration.between(at, now).abs().compareTo(SETTLE) < 0;
    }

    static String marker(SourceDefinition def, JsonNode record) {
        List<String> paths = def.api().incremental().marker();
        if (paths.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("list:");
        boolean any = false;
        for (String p : paths) {
            JsonNode n = record.at(JsonPointer.compile(p));
            String value = n.isMissingNode() || n.isNull() ? "" : n.asText();
            any |= !value.isEmpty();
            sb.append(value).append('|');
        }
        // a record without any of them (a PMS's get-one answer often lacks the list's updated time) has no
        // marker: the same empty marker every time would hide every later change
        return any ? sb.toString() : null;
    }

    static List<String> newMessageIds(Conversation now, String previousSnapshot) {
        Set<String> before = new HashSet<>();
        if (previousSnapshot != null) {
            try {
                for (JsonNode m : Json.MAPPER.readTree(previousSnapshot).path("messages")) {
                    before.add(m.path("id").asText());
                }
            } catch (JsonProcessingException e) {
                LOG.warn("Stored snapshot unreadable; treating every message as new");
            }
        }
        List<String> out = new ArrayList<>();
        for (Message m : now.messages()) {
            if (!before.contains(m.id())) {
                out.add(m.id());
            }
        }
        return out;
    }

    /** The newest time the change can be attributed to: a stable value, so a re-sent event is identical. */
    static String occurredAt(Conversation c) {
        Instant newest = lastActivity(c);
        return newest == null ? null : newest.toString();
    }

    static Instant lastActivity(Conversation c) {
        Instant newest = null;
        List<String> times = new ArrayList<>();
        times.add(c.updatedAt());
        for (Message m : c.messages()) {
            times.add(m.createdAt());
            times.add(m.updatedAt());
        }
        for (String t : times) {
            if (t != null) {
                Instant i = Instant.parse(t);
                newest = newest == null || i.isAfter(newest) ? i : newest;
            }
        }
        return newest;
    }

    static String canonicalJson(Conversation c) {
        try {
            return Json.OUTPUT_WITH_DEPRECATED.writeValueAsString(c);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
