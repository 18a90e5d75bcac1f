package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guesty Open API (open-api-docs.guesty.com): OAuth client credentials at POST /oauth2/token (scope
 * open-api); GET /v1/communication/conversations (sort, limit &le; 100, cursorAfter; answer
 * {status, data: {count, limit, cursor: {after, before}, conversations}}); GET .../{id} ({status, data});
 * GET .../{id}/posts (sort -createdAt, cursorAfter; {status, data: {posts, count, limit, cursor}}).
 */
final class GuestySim extends SimSource {
    private static final String ISO_MILLIS = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private long counter = 0x60b337646b754aL;

    GuestySim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "guesty";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("clientId", id, "clientSecret", "guesty-secret-" + id));
    }

    @Override
    protected String threadId(ObjectNode record) {
        return record.path("_id").asText();
    }

    private String objectId() {
        return HexFormat.of().toHexDigits(counter++) + "002f4a1a76".substring(0, 8);
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        for (int i = 0; i < threads; i++) {
            String name = guestName(i + 1);
            ObjectNode listing = Json.MAPPER.createObjectNode().put("_id", objectId()).put("title", "Listing " + (i % 3 + 1))
                    .put("nickname", "L" + (i % 3 + 1)).put("active", true);
            ObjectNode reservation = Json.MAPPER.createObjectNode().put("_id", objectId()).put("status", "confirmed")
                    .put("checkIn", "2025-02-0" + (1 + i % 9) + "T15:00:00.000Z").put("checkOut", "2025-02-1" + (i % 9) + "T10:00:00.000Z")
                    .put("confirmationCode", "HM" + (100000 + i));
            reservation.set("listing", listing);
            ObjectNode meta = Json.MAPPER.createObjectNode();
            meta.putArray("reservations").add(reservation);
            meta.set("guest", Json.MAPPER.createObjectNode().put("_id", objectId()).put("fullName", name)
                    .put("email", name.toLowerCase().replace(' ', '.') + "@guest.example").put("isReturning", false));
            ObjectNode c = Json.MAPPER.createObjectNode().put("_id", objectId());
            c.set("assignee", Json.MAPPER.createObjectNode().putNull("_id"));
            c.put("priority", 10);
            c.set("meta", meta);
            c.put("accountId", "5fb67280e39677002e6c2683")
                    .put("createdAt", local(t0.plusSeconds(3600L * i), ZoneId.of("UTC"), ISO_MILLIS))
                    .put("modifiedAt", local(t0.plusSeconds(3600L * i), ZoneId.of("UTC"), ISO_MILLIS));
            c.set("state", Json.MAPPER.createObjectNode().put("read", true).put("status", "OPEN"));
            SimThread thread = new SimThread(c.path("_id").asText(), c);
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 1);
        }
        return account;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        return render(thread, message);
    }

    private ObjectNode render(SimThread thread, NewMessage message) {
        String at = local(message.at(), ZoneId.of("UTC"), ISO_MILLIS);
        ObjectNode post = Json.MAPPER.createObjectNode();
        ObjectNode module = post.putObject("module");
        module.putArray("to");
        module.putArray("cc");
        module.putArray("bcc");
        module.putArray("templateValues");
        module.put("type", "airbnb2");
        post.set("from", message.fromGuest()
                ? Json.MAPPER.createObjectNode().put("type", "guest").put("fullName", thread.record.at("/meta/guest/fullName").asText())
                : Json.MAPPER.createObjectNode().put("type", "user").put("fullName", "Host Team"));
        post.put("isFromMigration", false).put("_id", objectId()).put("body", message.body())
                .put("sentBy", message.fromGuest() ? "guest" : "host").put("conversationId", thread.id).put("createdAt", at);
        post.putArray("attachments");
        post.put("__v", 0);
        thread.messages.add(post);
        if (at.compareTo(thread.record.path("modifiedAt").asText()) > 0) {
            thread.record.put("modifiedAt", at);
        }
        return post;
    }

    /** Per subscribed URL, the signing secret Guesty's secret endpoint answers (Svix: one per endpoint). */
    private final Map<String, String> webhookSecrets = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Guesty's webhooks API (its OpenAPI definition; docs/research/webhook-subscription-guesty.md): POST /v1/webhooks
     * {url, events} → 201 {_id, accountId, url, events}, no secret in it; GET /v1/webhooks-v2/secret?url= → {key} (a
     * whsec_ secret); DELETE /v1/webhooks/{_id} → 204. Null for any other request.
     */
    private SimResponse webhooks(SimExchange ex, SimAccount account, String[] p) {
        if (ex.method().equals("POST") && ex.path().equals("/v1/webhooks")) {
            com.fasterxml.jackson.databind.JsonNode req = readJson(ex.body());
            if (req == null || !req.path("url").isTextual() || !req.path("events").isArray() || req.path("events").isEmpty()) {
                return SimResponse.json(400, "{\"message\":\"url and events are required\"}");
            }
            String url = req.path("url").asText();
            byte[] raw = new byte[24];
            new java.security.SecureRandom().nextBytes(raw);
            String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(raw);
            webhookSecrets.put(url, secret);
            String id = ex.simulator().subscribeWebhook(key(), account.id, url, Map.of("webhookSecret", secret));
            ObjectNode o = Json.MAPPER.createObjectNode().put("accountId", account.id).put("_id", String.format("%024d", Long.parseLong(id)))
                    .put("url", url);
            o.set("events", req.path("events"));
            return SimResponse.json(201, o.toString());
        }
        if (ex.method().equals("GET") && ex.path().equals("/v1/webhooks-v2/secret")) {
            String secret = webhookSecrets.get(ex.query().getOrDefault("url", ""));
            return secret == null ? SimResponse.json(404, "{\"message\":\"No endpoint for this url\"}")
                    : SimResponse.json(200, Json.MAPPER.createObjectNode().put("key", secret).toString());
        }
        if (ex.method().equals("DELETE") && p.length == 4 && p[1].equals("v1") && p[2].equals("webhooks")) {
            String id = p[3].matches("[0-9]{1,24}") ? Long.toString(Long.parseLong(p[3])) : "";
            return ex.simulator().unsubscribeWebhook(key(), account.id, id) ? new SimResponse(204, "application/json", "", Map.of())
                    : SimResponse.json(404, "{\"message\":\"Webhook not found\"}");
        }
        return null;
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        if (ex.method().equals("POST") && ex.path().equals("/oauth2/token")) {
            return issueToken(ex, tokens, "open-api", 86400,
                    SimResponse.json(401, "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}"));
        }
        Admission admission = bearer(ex, tokens, SimResponse.json(401, "{\"message\":\"Unauthorized\"}"));
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        String[] p = ex.path().split("/");
        SimResponse webhooks = webhooks(ex, account, p);
        if (webhooks != null) {
            return webhooks;
        }
        // POST /v1/communication/conversations/{id}/send-message {module: {type}, body, subject}
        if (ex.method().equals("POST") && p.length == 6 && p[1].equals("v1") && p[3].equals("conversations") && p[5].equals("send-message")) {
            SimThread thread = account.thread(p[4]);
            if (thread == null) {
                return SimResponse.json(404, "{\"message\":\"Conversation not found\"}");
            }
            com.fasterxml.jackson.databind.JsonNode req = readJson(ex.body());
            String type = req == null ? "" : req.at("/module/type").asText("");
            if (req == null || !req.path("body").isTextual() || req.path("body").asText().isBlank()
                    || !java.util.Set.of("email", "sms", "whatsapp", "airbnb2", "bookingCom", "platform").contains(type)) {
                return SimResponse.json(400, "{\"message\":\"body and a valid module.type are required\"}");
            }
            ObjectNode post = render(thread, new NewMessage(req.path("body").asText(), false, Instant.now()));
            ((ObjectNode) post.get("module")).put("type", type);
            if (req.at("/module/subject").isTextual()) {
                ((ObjectNode) post.get("module")).put("subject", req.at("/module/subject").asText());
            }
            sent(ex, account, thread, req, post);
            ObjectNode o = Json.MAPPER.createObjectNode().put("status", 200);
            o.set("data", post);
            return SimResponse.json(200, o.toString());
        }
        // /v1/communication/conversations[/{id}[/posts]]
        if (!ex.method().equals("GET") || p.length < 4 || !p[1].equals("v1") || !p[2].equals("communication") || !p[3].equals("conversations")) {
            return SimResponse.json(404, "{\"message\":\"Not found\"}");
        }
        int limit = Math.min(100, intParam(ex.query(), "limit", 25));
        int from = decodeCursor(ex.query().get("cursorAfter"));
        if (p.length == 4) {
            String sortField = ex.query().getOrDefault("sort", "-createdAt").replace("-", "");
            List<ObjectNode> all = account.threads.stream().map(t -> t.record)
                    .sorted(Comparator.comparing((ObjectNode c) -> c.path(sortField).asText()).reversed()).toList();
            return SimResponse.json(200, page(all, from, limit, arr -> envelope("conversations", arr, all.size(), limit, from)));
        }
        SimThread thread = account.thread(p[4]);
        if (thread == null) {
            return SimResponse.json(404, "{\"message\":\"Conversation not found\"}");
        }
        if (p.length == 5) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("status", 200);
            o.set("data", thread.record);
            return SimResponse.json(200, o.toString());
        }
        if (p.length == 6 && p[5].equals("posts")) {
            List<ObjectNode> posts = thread.messages.stream()
                    .sorted(Comparator.comparing((ObjectNode m) -> m.path("createdAt").asText()).reversed()).toList();
            return SimResponse.json(200, page(posts, from, limit, arr -> envelope("posts", arr, posts.size(), limit, from)));
        }
        return SimResponse.json(404, "{\"message\":\"Not found\"}");
    }

    @Override
    public String idField() {
        return "_id";
    }

    /**
     * reservation.messageReceived / reservation.messageSent {event, reservationId, conversation, message},
     * signed the Svix way: base64 HMAC-SHA256 of "svix-id.svix-timestamp.body" with the whsec_ secret.
     */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("event", fromGuest ? "reservation.messageReceived" : "reservation.messageSent")
                .put("reservationId", thread.record.at("/meta/reservations/0/_id").asText());
        body.set("conversation", Json.MAPPER.createObjectNode().put("_id", thread.id));
        body.set("message", message);
        String text = body.toString();
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        String ts = Long.toString(now.getEpochSecond());
        return new WebhookCall(text, Map.of("svix-id", id, "svix-timestamp", ts,
                "svix-signature", "v1," + PmsSimulator.svixSignature(secrets.get("webhookSecret"), id, ts, text)), Map.of());
    }

    private static ObjectNode envelope(String key, ArrayNode items, int count, int limit, int from) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("count", count).put("limit", limit);
        data.set(key, items);
        int next = from + items.size();
        data.set("cursor", Json.MAPPER.createObjectNode().put("after", next < count ? encodeCursor(next) : "").put("before", ""));
        ObjectNode o = Json.MAPPER.createObjectNode().put("status", 200);
        o.set("data", data);
        return o;
    }

    private static String encodeCursor(int offset) {
        return Base64.getEncoder().encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8).substring(7));
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
