package dev.pmsconversations.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Attachment;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Message;
import dev.pmsconversations.model.MessageStatus;
import dev.pmsconversations.model.MessageType;
import dev.pmsconversations.model.Recipient;
import dev.pmsconversations.model.SeenStatus;
import dev.pmsconversations.model.SenderType;
import dev.pmsconversations.yaml.YamlNode;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code mapping:} section of a source file, compiled once into field readers. Mapping a thread is
 * then a walk over pre-built readers: no lookups in the file, no reflection.
 */
public final class ConversationMapping {
    public static final List<String> CONVERSATION_FIELDS = List.of("id", "externalThreadId", "reservationId",
            "propertyId", "roomId", "type", "createdAt", "updatedAt", "recipient");
    public static final List<String> RECIPIENT_FIELDS = List.of("name", "email", "phone", "picture");
    public static final List<String> MESSAGE_FIELDS = List.of("id", "createdAt", "updatedAt", "body", "subject",
            "senderType", "type", "status", "seenStatus", "isAutomatic", "attachments");
    public static final List<String> ATTACHMENT_FIELDS = List.of("id", "name", "url", "extension", "mimeType");
    private static final Map<String, String> NATURAL_TYPE = Map.of(
            "createdAt", "time", "updatedAt", "time", "body", "text", "isAutomatic", "bool", "id", "id",
            "reservationId", "id", "propertyId", "id", "roomId", "id", "externalThreadId", "id");
    private static final Map<String, Set<String>> ENUMS = Map.of(
            "senderType", names(SenderType.values()), "type", names(MessageType.values()),
            "status", names(MessageStatus.values()), "seenStatus", names(SeenStatus.values()));

    private final String source;
    private final Map<String, FieldReader> conversation = new LinkedHashMap<>();
    private final Map<String, FieldReader> recipient = new LinkedHashMap<>();
    private final Map<String, FieldReader> message = new LinkedHashMap<>();
    private final Map<String, FieldReader> attachment = new LinkedHashMap<>();
    private FieldCompiler.RawPath attachmentsPath;
    private final Readers readers;
    /** unified field path -> "mapped" | "assumed"; what the coverage matrix is generated from. */
    private final Map<String, String> coverage = new LinkedHashMap<>();

    ConversationMapping(String source, YamlNode spec, ZoneId defaultZone) {
        this.source = source;
        FieldCompiler compiler = new FieldCompiler(source, defaultZone);
        spec.onlyKeys(Set.of("conversation", "message"));
        YamlNode conv = spec.get("conversation").onlyKeys(Set.copyOf(CONVERSATION_FIELDS));
        for (String f : CONVERSATION_FIELDS) {
            if (f.equals("recipient")) {
                if (conv.has(f)) {
                    YamlNode r = conv.get(f).onlyKeys(Set.copyOf(RECIPIENT_FIELDS));
                    for (String rf : RECIPIENT_FIELDS) {
                        recipient.put(rf, field(compiler, r.get(rf), "recipient." + rf, "string", null));
                    }
                }
                continue;
            }
            conversation.put(f, field(compiler, conv.get(f), f, NATURAL_TYPE.getOrDefault(f, "string"), null));
        }
        YamlNode msg = spec.get("message").onlyKeys(Set.copyOf(MESSAGE_FIELDS));
        for (String f : MESSAGE_FIELDS) {
            if (f.equals("attachments")) {
                compileAttachments(compiler, msg.get(f));
                continue;
            }
            Set<String> allowed = ENUMS.get(f);
            message.put(f, field(compiler, msg.get(f), "messages." + f, NATURAL_TYPE.getOrDefault(f, "string"), allowed));
        }
        for (String required : List.of("id", "reservationId")) {
            if (!conv.has(required)) {
                throw conv.error("'" + required + "' must be mapped: every conversation needs it");
            }
        }
        for (String required : List.of("id", "createdAt", "senderType")) {
            if (!msg.has(required)) {
                throw msg.error("'" + required + "' must be mapped: every message needs it");
            }
        }
        readers = Readers.of(conversation, recipient, message, attachment);
    }

    private void compileAttachments(FieldCompiler compiler, YamlNode spec) {
        if (spec.isMissing()) {
            return;
        }
        spec.onlyKeys(Set.of("path", "item", "assumed", "note"));
        attachmentsPath = FieldCompiler.path(spec.get("path"), spec.text("path"));
        YamlNode item = spec.get("item").onlyKeys(Set.copyOf(ATTACHMENT_FIELDS));
        boolean assumed = spec.bool("assumed", false);
        for (String f : ATTACHMENT_FIELDS) {
            String key = "messages.attachments." + (f.equals("extension") || f.equals("mimeType") ? "type." + f : f);
            attachment.put(f, field(compiler, item.get(f), key, "string", null));
            if (assumed && item.has(f)) {
                coverage.put(key, "assumed");
            }
        }
    }

    private FieldReader field(FieldCompiler compiler, YamlNode spec, String key, String natural, Set<String> allowed) {
        if (spec.isMissing()) {
            return FieldReader.NULL;
        }
        checkEnumRule(spec, key, allowed);
        coverage.put(key, spec.isObject() && spec.bool("assumed", false) ? "assumed" : "mapped");
        FieldReader reader = compiler.compile(spec, key, natural);
        if (allowed != null && spec.isObject() && spec.has("const") && !allowed.contains(spec.text("const"))) {
            throw spec.get("const").error("'" + spec.text("const") + "' is not a " + key + " value; one of " + allowed);
        }
        return reader;
    }

    /** Enum targets are checked against the model when the file loads, not when a message hits them. */
    private static void checkEnumRule(YamlNode spec, String key, Set<String> allowed) {
        if (allowed == null) {
            return;
        }
        if (spec.isObject() && spec.has("firstOf")) {
            spec.get("firstOf").items().forEach(rule -> checkEnumRule(rule, key, allowed));
            return;
        }
        if (spec.isObject() && spec.has("values")) {
            for (Map.Entry<String, YamlNode> e : spec.get("values").entries().entrySet()) {
                if (!e.getValue().isMissing() && !allowed.contains(e.getValue().text())) {
                    throw e.getValue().error("'" + e.getValue().text() + "' is not a " + key + " value; one of " + allowed);
                }
            }
            if (spec.has("else") && !allowed.contains(spec.text("else"))) {
                throw spec.get("else").error("'" + spec.text("else") + "' is not a " + key + " value; one of " + allowed);
            }
        } else if (!(spec.isObject() && (spec.has("const") || spec.has("hook")))) {
            throw spec.error("an enum field needs a values table (native value: unified value), or const/hook");
        }
    }

    /** unified field -> "mapped" or "assumed", for every field this file fills. */
    public Map<String, String> coverage() {
        return coverage;
    }

    public Conversation map(NativeBundle bundle) {
        Readers f = readers;
        JsonNode c = bundle.conversationWithRelated();
        String id = requiredText(f.id, c, null, "id");
        try {
            Recipient r = recipient.isEmpty() ? Recipient.EMPTY : new Recipient(
                    str(f.recipientName, c, null), str(f.recipientEmail, c, null),
                    str(f.recipientPhone, c, null), str(f.recipientPicture, c, null));
            List<Timed> timed = new ArrayList<>(bundle.messages().size());
            for (JsonNode m : bundle.messages()) {
                timed.add(mapMessage(f, m, c));
            }
            return new Conversation(id,
                    str(f.externalThreadId, c, null),
                    requiredText(f.reservationId, c, null, "reservationId"),
                    str(f.propertyId, c, null),
                    str(f.roomId, c, null),
                    str(f.type, c, null),
                    str(f.createdAt, c, null),
                    str(f.updatedAt, c, null),
                    r, newestFirst(timed));
        } catch (MappingException e) {
            throw e.within("conversation[id=" + id + "]");
        }
    }

    private Timed mapMessage(Readers f, JsonNode m, JsonNode c) {
        String id = requiredText(f.messageId, m, c, "messages.id");
        try {
            Object created = required(f.messageCreatedAt, m, c, "messages.createdAt");
            Message message = new Message(id,
                    created.toString(),
                    str(f.messageUpdatedAt, m, c),
                    str(f.body, m, c),
                    str(f.subject, m, c),
                    SenderType.valueOf(requiredText(f.senderType, m, c, "messages.senderType")),
                    enumOf(MessageType.class, f.messageType, m, c),
                    enumOf(MessageStatus.class, f.status, m, c),
                    enumOf(SeenStatus.class, f.seenStatus, m, c),
                    asBoolean(f.isAutomatic.read(m, c)),
                    attachments(f, m, c));
            // a rule's time carries its instant; a const or hook gives text in the model's form
            return new Timed(created instanceof MappedTime t ? t.at() : instant(message.createdAt()), message);
        } catch (MappingException e) {
            throw e.within("message[id=" + id + "]");
        }
    }

    /** A createdAt given as text (a const or a hook) must already be in the model's form. */
    private Instant instant(String createdAt) {
        try {
            return Instant.parse(createdAt);
        } catch (java.time.DateTimeException e) {
            throw new MappingException(source, "messages.createdAt", "'" + FieldCompiler.abbreviate(createdAt)
                    + "' is not a time in the model's form (UTC, e.g. 2024-05-01T10:00:00Z)");
        }
    }

    private List<Attachment> attachments(Readers f, JsonNode m, JsonNode c) {
        if (attachmentsPath == null) {
            return List.of();
        }
        JsonNode found = attachmentsPath.node(m, c);
        // an object (e.g. path "" for a message with flat attachment fields) is one attachment, if it has any value
        JsonNode list = found != null && found.isObject() ? dev.pmsconversations.model.Json.MAPPER.createArrayNode().add(found) : found;
        if (list == null || !list.isArray() || list.isEmpty()) {
            return List.of();
        }
        List<Attachment> out = new ArrayList<>(list.size());
        for (JsonNode a : list) {
            // an attachment given as a bare URL string is read as {url}
            JsonNode item = a.isTextual() ? dev.pmsconversations.model.Json.MAPPER.createObjectNode().put("url", a.asText()) : a;
            Attachment.Type type = new Attachment.Type(str(f.attachmentExtension, item, m), str(f.attachmentMimeType, item, m));
            Attachment att = new Attachment(str(f.attachmentId, item, m), str(f.attachmentName, item, m),
                    str(f.attachmentUrl, item, m), type);
            if (att.id() != null || att.name() != null || att.url() != null || type.extension() != null || type.mimeType() != null) {
                out.add(att);
            }
        }
        return out;
    }

    private static Boolean asBoolean(Object v) {
        return v == null ? null : v instanceof Boolean b ? b : Boolean.valueOf(v.toString());
    }

    private static String str(FieldReader reader, JsonNode record, JsonNode parent) {
        Object v = reader.read(record, parent);
        return v == null ? null : v.toString();
    }

    private String requiredText(FieldReader reader, JsonNode record, JsonNode parent, String field) {
        return required(reader, record, parent, field).toString();
    }

    /** The value as the reader gives it (a time keeps its instant), never null. */
    private Object required(FieldReader reader, JsonNode record, JsonNode parent, String field) {
        Object v = reader.read(record, parent);
        if (v == null) {
            throw new MappingException(source, field, "required value is missing or empty");
        }
        return v;
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, FieldReader reader, JsonNode record, JsonNode parent) {
        Object v = reader.read(record, parent);
        return v == null ? null : Enum.valueOf(type, v.toString());
    }

    private static Set<String> names(Enum<?>[] values) {
        return Set.copyOf(Arrays.stream(values).map(Enum::name).toList());
    }

    /** A message with its time as an instant, the sort key (parsing the times back on each comparison cost a third of a mapping). */
    private record Timed(Instant at, Message message) {
    }

    private static final Comparator<Timed> NEWEST_FIRST = Comparator.comparing(Timed::at)
            .thenComparing(t -> t.message().id(), ConversationMapping::compareIds).reversed();

    /** Newest first; messages with the same time by id (numerically when both are numbers). */
    private static List<Message> newestFirst(List<Timed> timed) {
        timed.sort(NEWEST_FIRST);
        List<Message> out = new ArrayList<>(timed.size());
        for (Timed t : timed) {
            out.add(t.message());
        }
        return out;
    }

    /**
     * The compiled readers as fields, resolved once from the maps the constructor fills: mapping a message then
     * reads no map (a lookup by field name per message and field was a tenth of a mapping).
     */
    private record Readers(FieldReader id, FieldReader externalThreadId, FieldReader reservationId,
                           FieldReader propertyId, FieldReader roomId, FieldReader type, FieldReader createdAt,
                           FieldReader updatedAt, FieldReader recipientName, FieldReader recipientEmail,
                           FieldReader recipientPhone, FieldReader recipientPicture, FieldReader messageId,
                           FieldReader messageCreatedAt, FieldReader messageUpdatedAt, FieldReader body,
                           FieldReader subject, FieldReader senderType, FieldReader messageType, FieldReader status,
                           FieldReader seenStatus, FieldReader isAutomatic, FieldReader attachmentId,
                           FieldReader attachmentName, FieldReader attachmentUrl, FieldReader attachmentExtension,
                           FieldReader attachmentMimeType) {
        static Readers of(Map<String, FieldReader> c, Map<String, FieldReader> r, Map<String, FieldReader> m,
                          Map<String, FieldReader> a) {
            return new Readers(get(c, "id"), get(c, "externalThreadId"), get(c, "reservationId"), get(c, "propertyId"),
                    get(c, "roomId"), get(c, "type"), get(c, "createdAt"), get(c, "updatedAt"), get(r, "name"),
                    get(r, "email"), get(r, "phone"), get(r, "picture"), get(m, "id"), get(m, "createdAt"),
                    get(m, "updatedAt"), get(m, "body"), get(m, "subject"), get(m, "senderType"), get(m, "type"),
                    get(m, "status"), get(m, "seenStatus"), get(m, "isAutomatic"), get(a, "id"), get(a, "name"),
                    get(a, "url"), get(a, "extension"), get(a, "mimeType"));
        }

        private static FieldReader get(Map<String, FieldReader> readers, String field) {
            return readers.getOrDefault(field, FieldReader.NULL);
        }
    }

    static int compareIds(String a, String b) {
        if (a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit) && !a.isEmpty() && !b.isEmpty()) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        return a.compareTo(b);
    }
}
