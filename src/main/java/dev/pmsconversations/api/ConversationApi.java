package dev.pmsconversations.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.mapping.MappingException;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.outbox.OutboxEntry;
import dev.pmsconversations.outbox.OutboxService;
import dev.pmsconversations.outbox.SendRequest;
import dev.pmsconversations.source.AccountClient;
import dev.pmsconversations.source.PmsApiException;
import dev.pmsconversations.source.SendSpec;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.account.AccountClients;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;

/**
 * The REST API's handlers ({@code routes/api.camel.yaml}), compatible with the reference unified API:
 * reads come from the state store (or live from the PMS with {@code realtime=true}); sends go through
 * the outbox. Every answer uses the envelope {@code {"success": ..., "data"|"error": ...}}.
 */
public final class ConversationApi {
    public static final String H_OUTBOX_ID = "pmsOutboxId";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;
    private static final Set<String> UNIFIED_TYPES = Set.of("EMAIL", "SMS", "WHATSAPP", "CHANNEL", "DIRECT");

    private final StateStore store;
    private final AccountClients clients;
    private final OutboxService outbox;
    private final Map<String, AccountConfig> accounts = new LinkedHashMap<>();
    private final boolean includeDeprecated;

    public ConversationApi(StateStore store, AccountClients clients, OutboxService outbox,
                           boolean includeDeprecated) {
        this.store = store;
        this.clients = clients;
        this.outbox = outbox;
        clients.all().forEach(a -> accounts.put(a.id(), a));
        this.includeDeprecated = includeDeprecated;
    }

    /** GET /v2/conversations: filters, cursor pagination in first-stored order (stable while new ones arrive). */
    public String list(Exchange ex) {
        Set<String> scope = accountsFor(ex, param(ex, "accountId"));
        int limit = limit(ex);
        long after = decodeCursor(param(ex, "cursor"));
        Instant since = instant(param(ex, "updatedSince"), "updatedSince");
        StateStore.ConversationQuery q = new StateStore.ConversationQuery(scope, param(ex, "source"), param(ex, "reservationId"),
                param(ex, "propertyId"), since, null);
        List<StateStore.StoredConversation> page = store.conversations(q, after, limit + 1);
        boolean more = page.size() > limit;
        List<StateStore.StoredConversation> shown = more ? page.subList(0, limit) : page;
        ObjectNode o = Envelope.ok(conversations(shown));
        o.put("nextCursor", more ? encodeCursor(shown.get(shown.size() - 1).seq()) : null);
        return o.toString();
    }

    /** GET /v2/conversations/{id}: from the store, or live from the PMS with realtime=true. */
    public String get(Exchange ex) {
        String id = ex.getIn().getHeader("id", String.class);
        StateStore.StoredConversation stored = findOne(ex, id);
        if (realtime(ex)) {
            return Envelope.ok(live(stored.accountId(), id)).toString();
        }
        return Envelope.ok(conversation(stored)).toString();
    }

    /** GET /v2/conversations/reservation/{reservationId}: every conversation of the reservation. */
    public String byReservation(Exchange ex) {
        String reservationId = ex.getIn().getHeader("reservationId", String.class);
        Set<String> scope = accountsFor(ex, param(ex, "accountId"));
        List<StateStore.StoredConversation> found = store.conversations(
                new StateStore.ConversationQuery(scope, param(ex, "source"), reservationId, null, null, null), 0, MAX_LIMIT);
        if (found.isEmpty() && explicitAccount(ex, null) == null && heldOutside(scope,
                new StateStore.ConversationQuery(null, param(ex, "source"), reservationId, null, null, null))) {
            throw forbidden(ex, "reservation '" + reservationId + "'");
        }
        if (realtime(ex)) {
            ArrayNode data = Json.MAPPER.createArrayNode();
            found.forEach(s -> data.add(live(s.accountId(), s.conversationId())));
            return Envelope.ok(data).toString();
        }
        return Envelope.ok(conversations(found)).toString();
    }

    /** POST /v2/conversations (reference body: conversationId, reservationId, body, type, subject, attachments). */
    public String send(Exchange ex) {
        JsonNode body = jsonBody(ex);
        return submit(ex, body, required(body, "conversationId"));
    }

    /** POST /v2/conversations/{id}/messages (the same body; the conversation is in the path). */
    public String sendTo(Exchange ex) {
        return submit(ex, jsonBody(ex), ex.getIn().getHeader("id", String.class));
    }

    /** GET /v2/outbox/{id}: a sent message's status (PENDING, SENDING, SENT with the PMS's id, FAILED with the reason). */
    public String outboxEntry(Exchange ex) {
        Set<String> scope = accountsFor(ex, null);
        String id = ex.getIn().getHeader("id", String.class);
        OutboxEntry e = outbox.get(id).orElseThrow(() -> ApiException.notFound("no message '" + id + "' in the outbox"));
        if (!scope.contains(e.accountId())) {
            throw forbidden(ex, "outbox entry '" + id + "'");
        }
        return Envelope.ok(entry(e)).toString();
    }

    private String submit(Exchange ex, JsonNode body, String conversationId) {
        String text = required(body, "body");
        String reservationId = optional(body, "reservationId");
        String accountId = resolveAccount(ex, body, conversationId);
        if (reservationId == null) {
            reservationId = storedReservationId(accountId, conversationId); // PMSs that send by reservation (Resly) need it
        }
        AccountClient client = clients.client(accountId);
        SendSpec spec = client.source().api().send();
        if (spec == null) {
            throw new ApiException(422, "SEND_NOT_SUPPORTED", client.source().name() + " has no API to send messages");
        }
        String type = optional(body, "type");
        if (type == null) {
            type = spec.defaultType();
        }
        type = type.toUpperCase(java.util.Locale.ROOT);
        if (!UNIFIED_TYPES.contains(type)) {
            throw ApiException.invalid("type", "unknown message type '" + type + "'; one of " + new TreeSet<>(UNIFIED_TYPES));
        }
        if (!spec.types().containsKey(type)) {
            throw ApiException.invalid("type", client.source().name() + " can send " + new TreeSet<>(spec.types().keySet())
                    + ", not " + type);
        }
        String subject = optional(body, "subject");
        if (type.equals("EMAIL") && spec.subjectRequiredForEmail() && (subject == null || subject.isBlank())) {
            throw ApiException.invalid("subject", "required when type is EMAIL");
        }
        List<SendRequest.AttachmentRef> attachments = attachments(body, spec, client);
        String key = ex.getIn().getHeader("Idempotency-Key", String.class);
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw ApiException.invalid("Idempotency-Key", "1 to 200 characters");
        }
        OutboxService.Submitted s;
        try {
            s = outbox.submit(new SendRequest(accountId, conversationId, reservationId, type, subject, text, attachments, key));
        } catch (OutboxService.KeyConflict e) {
            throw new ApiException(422, "IDEMPOTENCY_KEY_REUSED", e.getMessage());
        }
        if (s.entry().status() == OutboxEntry.Status.PENDING) {
            ex.getIn().setHeader(H_OUTBOX_ID, s.entry().id()); // the route hands it to the sender at once
        }
        ex.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        ex.getIn().setHeader("Idempotent-Replayed", Boolean.toString(!s.created()));
        return Envelope.ok(entry(s.entry())).toString();
    }

    private List<SendRequest.AttachmentRef> attachments(JsonNode body, SendSpec spec, AccountClient client) {
        JsonNode a = body.path("attachments");
        if (a.isMissingNode() || a.isNull() || (a.isArray() && a.isEmpty())) {
            return List.of();
        }
        if (!a.isArray()) {
            throw ApiException.invalid("attachments", "an array of {name, url}");
        }
        if (spec.attachmentsPath() == null) {
            throw ApiException.invalid("attachments", client.source().name() + " does not take attachments through its API");
        }
        List<SendRequest.AttachmentRef> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode item = a.get(i);
            String url = item.path("url").asText("");
            if (!url.startsWith("https://") && !url.startsWith("http://")) {
                throw ApiException.invalid("attachments[" + i + "].url", "an http(s) URL is required");
            }
            String name = item.path("name").asText("");
            if (name.isBlank()) {
                throw ApiException.invalid("attachments[" + i + "].name", "required");
            }
            out.add(new SendRequest.AttachmentRef(name, url));
        }
        return out;
    }

    /**
     * The account of a send: the one named (accountId in the body or query, or the integrationAccountId header), else the
     * caller's account that holds the conversation. A conversation held only by accounts outside the token's scope is
     * 403: it must never be sent into from the token's own account, where the same id may be another guest's thread.
     */
    private String resolveAccount(Exchange ex, JsonNode body, String conversationId) {
        String named = explicitAccount(ex, optional(body, "accountId"));
        Set<String> scope = accountsFor(ex, named);
        if (named != null) {
            return named;
        }
        List<StateStore.StoredConversation> found = store.conversations(
                new StateStore.ConversationQuery(null, null, null, null, null, conversationId), 0, MAX_LIMIT);
        List<StateStore.StoredConversation> mine = found.stream().filter(c -> scope.contains(c.accountId())).toList();
        if (mine.size() == 1) {
            return mine.get(0).accountId();
        }
        if (mine.size() > 1) {
            throw ApiException.invalid("accountId", "conversation id '" + conversationId + "' exists in several accounts; say which one");
        }
        if (!found.isEmpty()) {
            throw forbidden(ex, "conversation '" + conversationId + "'");
        }
        if (scope.size() == 1) {
            return scope.iterator().next(); // not synced yet: the caller's only account
        }
        throw ApiException.invalid("accountId", "conversation '" + conversationId + "' is not known yet; say which account it belongs to");
    }

    /** The reservation id of a synced conversation, or null when it is not known yet. */
    private String storedReservationId(String accountId, String conversationId) {
        return store.conversations(new StateStore.ConversationQuery(Set.of(accountId), null, null, null, null, conversationId), 0, 1)
                .stream().findFirst().map(c -> {
                    try {
                        return Json.MAPPER.readTree(c.snapshot()).path("reservationId").asText(null);
                    } catch (java.io.IOException e) {
                        return null;
                    }
                }).orElse(null);
    }

    /**
     * The one conversation {@code id} the caller may read: in the named account, else in the token's accounts. Held only
     * by accounts outside the token's scope: 403; held nowhere: 404; in several of the caller's accounts: 422.
     */
    private StateStore.StoredConversation findOne(Exchange ex, String id) {
        String named = explicitAccount(ex, null);
        Set<String> scope = accountsFor(ex, named);
        StateStore.ConversationQuery anywhere = new StateStore.ConversationQuery(named == null ? null : scope, param(ex, "source"),
                null, null, null, id);
        List<StateStore.StoredConversation> found = store.conversations(anywhere, 0, MAX_LIMIT);
        List<StateStore.StoredConversation> mine = found.stream().filter(c -> scope.contains(c.accountId())).toList();
        if (mine.isEmpty()) {
            if (!found.isEmpty()) {
                throw forbidden(ex, "conversation '" + id + "'");
            }
            throw ApiException.notFound("no conversation '" + id + "'" + (named == null ? "" : " in account '" + named + "'"));
        }
        if (mine.size() > 1) {
            throw ApiException.invalid("accountId", "conversation id '" + id + "' exists in several accounts ("
                    + mine.get(0).accountId() + ", " + mine.get(1).accountId() + "); say which one");
        }
        return mine.get(0);
    }

    /** True when some account outside {@code scope} holds what the query finds. */
    private boolean heldOutside(Set<String> scope, StateStore.ConversationQuery anywhere) {
        return store.conversations(anywhere, 0, MAX_LIMIT).stream().anyMatch(c -> !scope.contains(c.accountId()));
    }

    /** The account the caller named: {@code fromBody}, else the accountId parameter, else the integrationAccountId header. */
    private static String explicitAccount(Exchange ex, String fromBody) {
        if (fromBody != null) {
            return fromBody;
        }
        String q = param(ex, "accountId");
        return q != null ? q : param(ex, "integrationAccountId");
    }

    private static ApiException forbidden(Exchange ex, String what) {
        return ApiAuth.scope(ex).forbidden(what);
    }


    private JsonNode live(String accountId, String conversationId) {
        AccountClient client = clients.client(accountId);
        if (client.source().api().get() == null) {
            throw new ApiException(422, "REALTIME_NOT_SUPPORTED", client.source().name()
                    + " has no call to read one conversation; omit realtime=true to read the synced copy");
        }
        try {
            Conversation c = client.source().mapping(client.account().timeZone()).map(client.fetchOne(conversationId));
            return withOwner(Json.output(includeDeprecated).valueToTree(c), accountId, client.source().key());
        } catch (PmsApiException e) {
            throw new ApiException(e.status() == 404 ? 404 : 502, e.status() == 404 ? "NOT_FOUND" : "PMS_ERROR", e.getMessage());
        } catch (dev.pmsconversations.source.MalformedPageException e) {
            throw new ApiException(502, "PMS_ERROR", e.getMessage());
        } catch (MappingException e) {
            throw new ApiException(502, "MAPPING_ERROR", e.withAccount(accountId).getMessage());
        }
    }

    /** The accounts a request may touch: the token's scope, narrowed to {@code requested} (403 outside it). */
    private Set<String> accountsFor(Exchange ex, String requested) {
        if (requested == null) {
            requested = ex.getIn().getHeader("integrationAccountId", String.class);
        }
        Set<String> narrowed = ApiAuth.scope(ex).narrow(requested, accounts.keySet());
        return narrowed == null ? accounts.keySet() : narrowed;
    }

    private ArrayNode conversations(List<StateStore.StoredConversation> rows) {
        ArrayNode data = Json.MAPPER.createArrayNode();
        rows.forEach(r -> data.add(conversation(r)));
        return data;
    }

    /** A stored conversation as the API answers it: the unified snapshot, and which account and source it is of. */
    private JsonNode conversation(StateStore.StoredConversation stored) {
        try {
            ObjectNode c = (ObjectNode) Json.MAPPER.readTree(stored.snapshot());
            if (!includeDeprecated) {
                c.remove("type");
            }
            return withOwner(c, stored.accountId(), stored.source());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored conversation unreadable", e);
        }
    }

    /** The unified fields first, then accountId and source (the API's additions to the model). */
    private static JsonNode withOwner(JsonNode conversation, String accountId, String source) {
        ObjectNode o = (ObjectNode) conversation;
        o.put("accountId", accountId);
        o.put("source", source);
        return o;
    }

    static ObjectNode entry(OutboxEntry e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", e.id()).put("status", e.status().name()).put("accountId", e.accountId()).put("source", e.source())
                .put("conversationId", e.conversationId()).put("reservationId", e.reservationId()).put("type", e.type())
                .put("subject", e.subject()).put("body", e.body()).put("idempotencyKey", e.idempotencyKey())
                .put("pmsMessageId", e.pmsMessageId()).put("attempts", e.attempts()).put("error", e.lastError())
                .put("createdAt", e.createdAt().toString()).put("updatedAt", e.updatedAt().toString());
        return o;
    }

    private static JsonNode jsonBody(Exchange ex) {
        String text = ex.getIn().getBody(String.class);
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("a JSON body is required");
        }
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (!n.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
    }

    private static String required(JsonNode body, String field) {
        String v = optional(body, field);
        if (v == null || v.isBlank()) {
            throw ApiException.invalid(field, "required");
        }
        return v;
    }

    /** A string field; numbers are accepted for ids (ids are strings in our model). */
    private static String optional(JsonNode body, String field) {
        JsonNode n = body.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!n.isTextual() && !n.isIntegralNumber()) {
            throw ApiException.invalid(field, "must be a string");
        }
        return n.asText();
    }

    private static String param(Exchange ex, String name) {
        String v = ex.getIn().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v;
    }

    private static boolean realtime(Exchange ex) {
        String v = param(ex, "realtime");
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw ApiException.invalid("realtime", "true or false");
    }

    private static int limit(Exchange ex) {
        return PageLimit.parse(param(ex, "limit"), DEFAULT_LIMIT, MAX_LIMIT);
    }

    private static Instant instant(String v, String field) {
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "an ISO-8601 UTC time such as 2025-01-13T23:40:49Z");
        }
    }

    static String encodeCursor(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + seq).getBytes(StandardCharsets.UTF_8));
    }

    static long decodeCursor(String cursor) {
        if (cursor == null) {
            return 0;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (s.startsWith("v1:")) {
                return Long.parseLong(s.substring(3));
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw ApiException.invalid("cursor", "not a cursor this API returned");
    }
}
