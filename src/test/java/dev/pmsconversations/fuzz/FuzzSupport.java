package dev.pmsconversations.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.mapping.ConversationMapping;
import dev.pmsconversations.mapping.MappingException;
import dev.pmsconversations.mapping.NativeBundle;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.model.Message;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the fuzz targets share: the real source files, the one mapping oracle (a mapped conversation that keeps the
 * model's invariants, or a {@link MappingException} naming source and field; anything else is a finding) and
 * structure-aware edits of JSON documents, so that most inputs get past the parser into the mapping rules.
 */
final class FuzzSupport {
    static final SourceRegistry SOURCES = SourceRegistry.load(java.nio.file.Path.of("mappings"), false);
    /** Sources with a mapping (every source file but those without a messaging API), sorted. */
    static final List<String> MESSAGING_SOURCES = SOURCES.all().values().stream()
            .filter(SourceDefinition::messaging).map(SourceDefinition::key).toList();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Values a PMS might send where a time, id, flag or body is expected. */
    private static final List<String> TRICKY = List.of("", " ", "0", "-1", "1", "true", "false", "null", "NaN",
            "1e400", "9223372036854775808", "-9223372036854775809", "99999999999999999999999", "1.5",
            "2024-02-30 25:61:00", "2024-02-29 23:59:59", "2024-01-01T00:00:00", "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00+25:00", "2024-01-01 00:00:00.123456789+0530", "+999999999-12-31T23:59:59Z",
            "-999999999-01-01T00:00:00Z", "1700000000", "1700000000000", "99999999999999999", "Europe/Paris",
            "Not/AZone", "<p>a<br>b</p>", "&nbsp;&amp;", "<b><i>x", "car.JPG", ".", "a.", "B12345", "B", "\u0000",
            "\ud800", "\u0663\u0664", "Guest", "Owner", "Log", "guest", "host", "1", "0", "yes", "no");

    private FuzzSupport() {
    }

    /**
     * Maps {@code root} (a native bundle {@code {conversation, messages, related}}) with the source's mapping, the way
     * the sync and the {@code map} command do, and checks the outcome.
     */
    static void mapAndCheck(String source, JsonNode root, ZoneId zone) {
        NativeBundle bundle;
        try {
            bundle = NativeBundle.fromJson(root);
        } catch (IllegalArgumentException e) {
            return; // not a bundle at all: the map command's documented input error (the sync builds bundles itself)
        }
        ConversationMapping mapping = SOURCES.get(source).mapping(zone);
        Conversation conversation;
        try {
            conversation = mapping.map(bundle);
        } catch (MappingException e) {
            check(source.equals(e.source()), "MappingException of another source", e);
            check(e.getMessage().startsWith("source '" + source + "'"), "message does not name the source", e);
            check(e.field() != null && !e.field().isBlank(), "MappingException without a field", e);
            return;
        }
        checkConversation(conversation);
    }

    /**
     * The model's invariants, which the delivery, the store and the API rely on (docs/mappings.md#tolerance: only the ids
     * are always there; a reservation, a time or a sender the PMS left out is null).
     */
    static void checkConversation(Conversation c) {
        check(c.id() != null, "conversation without id: " + c, null);
        checkTime(c.createdAt(), "conversation.createdAt");
        checkTime(c.updatedAt(), "conversation.updatedAt");
        Instant previous = null;
        boolean untimed = false;
        for (Message m : c.messages()) {
            check(m.id() != null, "message without id: " + m, null);
            Instant at = checkTime(m.createdAt(), "messages.createdAt");
            checkTime(m.updatedAt(), "messages.updatedAt");
            // newest first; the messages without a time come after the timed ones
            check(at == null || (!untimed && (previous == null || !at.isAfter(previous))), "messages are not newest first: " + c.messages(), null);
            untimed |= at == null;
            previous = at == null ? previous : at;
            m.attachments().forEach(a -> check(a != null, "null attachment", null));
        }
        try {
            Json.OUTPUT.writeValueAsString(c);
        } catch (Exception e) {
            throw new AssertionError("mapped conversation does not serialise", e);
        }
    }

    private static Instant checkTime(String time, String field) {
        if (time == null) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            throw new AssertionError(field + " '" + time + "' is not an ISO-8601 UTC time", e);
        }
    }

    /**
     * Findings in code outside this task's reach, reported and waiting for a fix there: recognised by exception type and
     * the method that threw, so that fuzzing goes on and still fails on anything new. Remove an entry once it is fixed.
     */
    static boolean knownFinding(RuntimeException e) {
        return false; // none open: a finding fails the run
    }

    static void check(boolean ok, String problem, Throwable cause) {
        if (!ok) {
            throw new AssertionError(problem, cause);
        }
    }

    // ------------------------------------------------------------------ structure-aware JSON edits

    /** A place in a document: a member of an object or an element of an array. */
    private record Slot(JsonNode parent, String key, int index) {
        JsonNode value() {
            return parent.isObject() ? parent.get(key) : parent.get(index);
        }

        void set(JsonNode v) {
            if (parent instanceof ObjectNode o) {
                o.set(key, v);
            } else {
                ((ArrayNode) parent).set(index, v);
            }
        }

        void remove() {
            if (parent instanceof ObjectNode o) {
                o.remove(key);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }

    private static void slots(JsonNode node, List<Slot> out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                out.add(new Slot(node, n, -1));
                slots(node.get(n), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Slot(node, null, i));
                slots(node.get(i), out);
            }
        }
    }

    /** Applies {@code edits} fuzzer-chosen edits (drop, null, retype, tricky values, duplicates...) to {@code root} in place. */
    static void edit(JsonNode root, int edits, FuzzedDataProvider data) {
        for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
            List<Slot> slots = new ArrayList<>();
            slots(root, slots);
            if (slots.isEmpty()) {
                return;
            }
            Slot slot = slots.get(data.consumeInt(0, slots.size() - 1));
            JsonNode old = slot.value();
            switch (data.consumeInt(0, 13)) {
                case 0 -> slot.remove();
                case 1 -> slot.set(NODES.nullNode());
                case 2 -> slot.set(NODES.textNode(data.consumeString(64)));
                case 3 -> slot.set(NODES.numberNode(data.consumeLong()));
                case 4 -> slot.set(NODES.numberNode(data.consumeDouble()));
                case 5 -> slot.set(NODES.booleanNode(data.consumeBoolean()));
                case 6 -> slot.set(NODES.objectNode());
                case 7 -> slot.set(NODES.arrayNode());
                case 8 -> slot.set(NODES.arrayNode().add(old.deepCopy()));
                case 9 -> slot.set(slots.get(data.consumeInt(0, slots.size() - 1)).value().deepCopy()); // another node's value here
                case 10 -> slot.set(NODES.textNode(data.pickValue(TRICKY)));
                case 11 -> slot.set(NODES.numberNode(new java.math.BigDecimal(data.pickValue(List.of("1e400", "1e20", "-0.0", "0.5",
                        "12345678901234567890123", "1.0")))));
                case 12 -> { // the same record (message, attachment...) once more, or many times
                    if (slot.parent() instanceof ArrayNode a) {
                        int copies = data.consumeInt(1, 40);
                        for (int c = 0; c < copies; c++) {
                            a.add(old.deepCopy());
                        }
                    } else {
                        ((ObjectNode) slot.parent()).set(data.consumeString(16), old.deepCopy());
                    }
                }
                default -> { // a text value with a few characters changed (a time that is almost right...)
                    String s = old.isValueNode() ? old.asText() : data.consumeString(16);
                    StringBuilder b = new StringBuilder(s);
                    int changes = data.consumeInt(1, 3);
                    for (int c = 0; c < changes && b.length() > 0; c++) {
                        b.setCharAt(data.consumeInt(0, b.length() - 1), data.consumeChar());
                    }
                    slot.set(NODES.textNode(b.toString()));
                }
            }
        }
    }

    /** Sets {@code value} at a JSON pointer such as {@code /data/conversationId}, creating the objects on the way. */
    static void put(ObjectNode root, String pointer, JsonNode value) {
        String[] parts = pointer.substring(1).split("/", -1);
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            String name = unescape(parts[i]);
            JsonNode next = at.get(name);
            if (!(next instanceof ObjectNode)) {
                next = at.putObject(name);
            }
            at = (ObjectNode) next;
        }
        at.set(unescape(parts[parts.length - 1]), value);
    }

    private static String unescape(String part) {
        return part.replace("~1", "/").replace("~0", "~");
    }

    /** A fuzzer-chosen JSON value: text, number, flag, null or a small container. */
    static JsonNode value(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 6)) {
            case 0 -> NODES.textNode(data.consumeString(300));
            case 1 -> NODES.numberNode(data.consumeLong());
            case 2 -> NODES.booleanNode(data.consumeBoolean());
            case 3 -> NODES.nullNode();
            case 4 -> NODES.objectNode().put(data.consumeString(8), data.consumeString(16));
            case 5 -> NODES.arrayNode().add(data.consumeString(16));
            default -> NODES.textNode(data.pickValue(TRICKY));
        };
    }

    static Map<String, JsonNode> readFixtures() {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        dev.pmsconversations.testing.Fixtures.all().forEach(f -> out.put(f.source() + "/" + f.name(), f.nativeBundle()));
        return out;
    }
}
