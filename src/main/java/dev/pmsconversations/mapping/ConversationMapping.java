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
 * then a walk over pre-built readers: no lookups in the file, no reflection. Tolerant (docs/mappings.md,
 * "Tolerance"): only a missing conversation id, or a field the file marks strict, rejects a thread; anything else
 * the native record lacks or holds in a form the file does not know becomes null (or a fallback, or a derived
 * message id) and is listed in the thread's {@link MappingReport}.
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
    private final Map<String, Field> conversation = new LinkedHashMap<>();
    private final Map<String, Field> recipient = new LinkedHashMap<>();
    private final Map<String, Field> message = new LinkedHashMap<>();
    private final Map<String, Field> attachment = new LinkedHashMap<>();
    private FieldCompiler.RawPath attachmentsPath;
    /** Where the details of attachments the message lists by id are (api.related), or null: see {@link AttachmentDetails}. */
    private AttachmentDetails attachmentDetails;
    private final Readers readers;
    /** unified field path -> "mapped" | "assumed"; what the coverage matrix is generated from. */
    private final Map<String, String> coverage = new LinkedHashMap<>();
    /** unified field path -> the evidence that the native path(s) it reads are the vendor's (mapping.evidence). */
    private final Map<String, Evidence> evidence = new LinkedHashMap<>();

    ConversationMapping(String source, YamlNode spec, ZoneId defaultZone) {
        this.source = source;
        FieldCompiler compiler = new FieldCompiler(source, defaultZone);
        spec.onlyKeys(Set.of("conversation", "message", "evidence"));
        YamlNode conv = spec.get("conversation").onlyKeys(Set.copyOf(CONVERSATION_FIELDS));
        for (String f : CONVERSATION_FIELDS) {
            if (f.equals("recipient")) {
                if (conv.has(f)) {
                    YamlNode r = conv.get(f).onlyKeys(Set.copyOf(RECIPIENT_FIELDS));
                    for (String rf : RECIPIENT_FIELDS) {
                        recipient.put(rf, field(compiler, r.get(rf), "recipient." + rf, "string", null, false));
                    }
                }
                continue;
            }
            conversation.put(f, field(compiler, conv.get(f), f, NATURAL_TYPE.getOrDefault(f, "string"), null, f.equals("id")));
        }
        YamlNode msg = spec.get("message").onlyKeys(Set.copyOf(MESSAGE_FIELDS));
        for (String f : MESSAGE_FIELDS) {
            if (f.equals("attachments")) {
                compileAttachments(compiler, msg.get(f));
                continue;
            }
            Set<String> allowed = ENUMS.get(f);
            message.put(f, field(compiler, msg.get(f), "messages." + f, NATURAL_TYPE.getOrDefault(f, "string"), allowed, false));
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
        if (spec.has("evidence")) {
            evidence.putAll(Evidence.read(spec.get("evidence"), coverage));
        }
    }

    private void compileAttachments(FieldCompiler compiler, YamlNode spec) {
        if (spec.isMissing()) {
            return;
        }
        spec.onlyKeys(Set.of("path", "details", "item", "assumed", "note"));
        attachmentsPath = FieldCompiler.path(spec.get("path"), spec.text("path"));
        attachmentDetails = spec.has("details") ? AttachmentDetails.compile(spec.get("details")) : null;
        YamlNode item = spec.get("item").onlyKeys(Set.copyOf(ATTACHMENT_FIELDS));
        boolean assumed = spec.bool("assumed", false);
        for (String f : ATTACHMENT_FIELDS) {
            String key = "messages.attachments." + (f.equals("extension") || f.equals("mimeType") ? "type." + f : f);
            attachment.put(f, field(compiler, item.get(f), key, "string", null, false));
            if (assumed && item.has(f)) {
                coverage.put(key, "assumed");
            }
        }
    }

    /** {@code identity}: the conversation id, the one field whose absence always rejects the thread. */
    private Field field(FieldCompiler compiler, YamlNode spec, String key, String natural, Set<String> allowed, boolean identity) {
        if (spec.isMissing()) {
            return Field.NONE;
        }
        checkEnumRule(spec, key, allowed);
        if (spec.isObject() && spec.has("onUnknown") && !hasValues(spec)) {
            throw spec.get("onUnknown").error("onUnknown is about values missing from a values table, and this rule has none");
        }
        coverage.put(key, spec.isObject() && spec.bool("assumed", false) ? "assumed" : "mapped");
        FieldReader reader = compiler.compile(spec, key, natural);
        if (allowed != null && spec.isObject() && spec.has("const") && !allowed.contains(spec.text("const"))) {
            throw spec.get("const").error("'" + spec.text("const") + "' is not a " + key + " value; one of " + allowed);
        }
        return Field.of(source, key, reader, spec, identity);
    }

    private static boolean hasValues(YamlNode spec) {
        return spec.isObject() && (spec.has("values") || spec.has("firstOf")
                && spec.get("firstOf").items().stream().anyMatch(ConversationMapping::hasValues));
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

    /** unified field -> its evidence grade and citation, for the fields the file grades. */
    public Map<String, Evidence> evidence() {
        return evidence;
    }

    /** unified field -> "mapped" or "assumed", for every field this file fills. */
    public Map<String, String> coverage() {
        return coverage;
    }

    public Conversation map(NativeBundle bundle) {
        return mapWithReport(bundle).conversation();
    }

    /** The thread in the unified model, and what its mapping tolerated (for the {@code map} command, drift counts). */
    public MappedConversation mapWithReport(NativeBundle bundle) {
        Readers f = readers;
        JsonNode c = bundle.conversationWithRelated();
        ReportBuilder report = new ReportBuilder();
        String id = f.id.text(c, null, report); // required: a thread without identity is rejected
        try {
            String externalThreadId = f.externalThreadId.text(c, null, report);
            String reservationId = f.reservationId.text(c, null, report);
            String propertyId = f.propertyId.text(c, null, report);
            String roomId = f.roomId.text(c, null, report);
            String type = f.type.text(c, null, report);
            String createdAt = f.createdAt.text(c, null, report);
            String updatedAt = f.updatedAt.text(c, null, report);
            Recipient r = recipient.isEmpty() ? Recipient.EMPTY : new Recipient(
                    f.recipientName.text(c, null, report), f.recipientEmail.text(c, null, report),
                    f.recipientPhone.text(c, null, report), f.recipientPicture.text(c, null, report));
            DerivedIds derived = new DerivedIds(source, id);
            List<Timed> timed = new ArrayList<>(bundle.messages().size());
            List<Message> untimed = new ArrayList<>();
            int position = 0;
            for (JsonNode m : bundle.messages()) {
                Timed t = mapMessage(f, m, c, ++position, derived, report);
                if (t.at() == null) {
                    untimed.add(t.message());
                } else {
                    timed.add(t);
                }
            }
            Conversation conversation = new Conversation(id, externalThreadId, reservationId, propertyId, roomId, type,
                    createdAt, updatedAt, r, newestFirst(timed, untimed));
            return new MappedConversation(conversation, report.build(source));
        } catch (MappingException e) {
            throw e.within("conversation[id=" + id + "]");
        }
    }

    /** {@code position}: 1-based, in the API's order; names the message in errors when it has no id. */
    private Timed mapMessage(Readers f, JsonNode m, JsonNode c, int position, DerivedIds derived, ReportBuilder report) {
        int mark = report.mark();
        String where = "message[#" + position + "]";
        try {
            String nativeId = f.messageId.text(m, c, report);
            if (nativeId != null) {
                where = "message[id=" + nativeId + "]";
            }
            MappedTime created = time(f.messageCreatedAt, m, c, report);
            String createdAt = created == null ? null : created.text();
            String body = f.body.text(m, c, report);
            String sender = f.senderType.text(m, c, report);
            String id = nativeId != null ? nativeId : derived.next(sender, createdAt, body);
            Message message = new Message(id,
                    createdAt,
                    f.messageUpdatedAt.text(m, c, report),
                    body,
                    f.subject.text(m, c, report),
                    sender == null ? null : SenderType.valueOf(sender),
                    enumOf(MessageType.class, f.messageType, m, c, report),
                    enumOf(MessageStatus.class, f.status, m, c, report),
                    enumOf(SeenStatus.class, f.seenStatus, m, c, report),
                    asBoolean(f.isAutomatic.read(m, c, report)),
                    attachments(f, m, c, report));
            report.locate(mark, "message[id=" + id + "]");
            return new Timed(created == null ? null : created.at(), message);
        } catch (MappingException e) {
            throw e.within(where);
        }
    }

    /**
     * A rule's time carries its instant; a const or hook gives text, which must already be in the model's form
     * (else it is unreadable, like any other time).
     */
    private MappedTime time(Field field, JsonNode m, JsonNode c, ReportBuilder report) {
        Object v = field.read(m, c, report);
        if (v == null || v instanceof MappedTime) {
            return (MappedTime) v;
        }
        try {
            return new MappedTime(Instant.parse(v.toString()), v.toString());
        } catch (java.time.DateTimeException e) {
            String problem = "'" + FieldCompiler.abbreviate(v.toString()) + "' is not a time in the model's form (UTC, e.g. 2024-05-01T10:00:00Z)";
            if (field.required()) {
                throw new MappingException(source, field.name(), problem);
            }
            report.add(field.name(), MappingReport.Kind.UNREADABLE, v.toString(), problem);
            return null;
        }
    }

    private List<Attachment> attachments(Readers f, JsonNode m, JsonNode c, ReportBuilder report) {
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
            // an attachment given by its id: its details record (or the id alone); a bare URL string is read as {url}
            JsonNode item = attachmentDetails != null && a.isValueNode() ? attachmentDetails.of(a, c)
                    : a.isTextual() ? dev.pmsconversations.model.Json.MAPPER.createObjectNode().put("url", a.asText()) : a;
            Attachment.Type type = new Attachment.Type(f.attachmentExtension.text(item, m, report),
                    f.attachmentMimeType.text(item, m, report));
            Attachment att = new Attachment(f.attachmentId.text(item, m, report), f.attachmentName.text(item, m, report),
                    f.attachmentUrl.text(item, m, report), type);
            if (att.id() != null || att.name() != null || att.url() != null || type.extension() != null || type.mimeType() != null) {
                out.add(att);
            }
        }
        return out;
    }

    private static Boolean asBoolean(Object v) {
        return v == null ? null : v instanceof Boolean b ? b : Boolean.valueOf(v.toString());
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, Field field, JsonNode record, JsonNode parent, ReportBuilder report) {
        String v = field.text(record, parent, report);
        return v == null ? null : Enum.valueOf(type, v);
    }

    private static Set<String> names(Enum<?>[] values) {
        return Set.copyOf(Arrays.stream(values).map(Enum::name).toList());
    }

    /** A message with its time as an instant (null: none), the sort key (parsing the times back on each comparison cost a third of a mapping). */
    private record Timed(Instant at, Message message) {
    }

    private static final Comparator<Timed> NEWEST_FIRST = Comparator.comparing(Timed::at)
            .thenComparing(t -> t.message().id(), ConversationMapping::compareIds).reversed();

    /**
     * Newest first; messages with the same time by id (numerically when both are numbers). Messages without a time
     * follow, in the API's order: nothing else says where they belong.
     */
    private static List<Message> newestFirst(List<Timed> timed, List<Message> untimed) {
        timed.sort(NEWEST_FIRST);
        List<Message> out = new ArrayList<>(timed.size() + untimed.size());
        for (Timed t : timed) {
            out.add(t.message());
        }
        out.addAll(untimed);
        return out;
    }

    /**
     * The compiled readers as fields, resolved once from the maps the constructor fills: mapping a message then
     * reads no map (a lookup by field name per message and field was a tenth of a mapping).
     */
    private record Readers(Field id, Field externalThreadId, Field reservationId,
                           Field propertyId, Field roomId, Field type, Field createdAt,
                           Field updatedAt, Field recipientName, Field recipientEmail,
                           Field recipientPhone, Field recipientPicture, Field messageId,
                           Field messageCreatedAt, Field messageUpdatedAt, Field body,
                           Field subject, Field senderType, Field messageType, Field status,
                           Field seenStatus, Field isAutomatic, Field attachmentId,
                           Field attachmentName, Field attachmentUrl, Field attachmentExtension,
                           Field attachmentMimeType) {
        static Readers of(Map<String, Field> c, Map<String, Field> r, Map<String, Field> m, Map<String, Field> a) {
            return new Readers(get(c, "id"), get(c, "externalThreadId"), get(c, "reservationId"), get(c, "propertyId"),
                    get(c, "roomId"), get(c, "type"), get(c, "createdAt"), get(c, "updatedAt"), get(r, "name"),
                    get(r, "email"), get(r, "phone"), get(r, "picture"), get(m, "id"), get(m, "createdAt"),
                    get(m, "updatedAt"), get(m, "body"), get(m, "subject"), get(m, "senderType"), get(m, "type"),
                    get(m, "status"), get(m, "seenStatus"), get(m, "isAutomatic"), get(a, "id"), get(a, "name"),
                    get(a, "url"), get(a, "extension"), get(a, "mimeType"));
        }

        private static Field get(Map<String, Field> readers, String field) {
            return readers.getOrDefault(field, Field.NONE);
        }
    }

    static int compareIds(String a, String b) {
        if (a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit) && !a.isEmpty() && !b.isEmpty()) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        return a.compareTo(b);
    }
}
