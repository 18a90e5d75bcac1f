package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hostaway public API v1 (docs: github.com/Hostaway/api, source/includes/_conversation*.md):
 * OAuth client credentials at POST /accessTokens; GET /conversations (limit/offset,
 * includeResources=1 embeds the Reservation), GET /conversations/{id}, GET /conversations/{id}/messages.
 * Responses wrapped {"status": "success", "result": ...}. Dates "YYYY-MM-DD HH:MM:SS" without offset
 * (UTC here, see mappings/hostaway.yaml).
 */
final class HostawaySim extends SimSource {
    private static final String TIME = "yyyy-MM-dd HH:mm:ss";
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private long nextId = 1000;

    HostawaySim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "hostaway";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("clientId", id, "clientSecret", "hostaway-secret-" + id));
    }


    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        for (int i = 0; i < threads; i++) {
            long conversationId = 80000 + accountId.hashCode() % 1000 * 100L + i;
            long reservationId = 3000000 + i;
            String name = guestName(i);
            ObjectNode reservation = Json.MAPPER.createObjectNode()
                    .put("id", reservationId).put("listingMapId", 40160 + i % 3).put("channelId", 2018)
                    .put("guestName", name).put("guestFirstName", name.split(" ")[0]).put("guestLastName", name.split(" ")[1])
                    .put("guestEmail", name.toLowerCase().replace(' ', '.') + "@guest.example")
                    .put("guestPicture", "https://img.example/guests/" + i + ".jpg").put("phone", "+4930555" + (1000 + i))
                    .put("arrivalDate", "2025-02-0" + (1 + i % 9)).put("departureDate", "2025-02-1" + (i % 9));
            ObjectNode c = Json.MAPPER.createObjectNode()
                    .put("id", Math.abs(conversationId)).put("listingMapId", 40160 + i % 3).put("reservationId", reservationId)
                    .put("type", "host-guest-email").put("recipientName", name).put("recipientEmail", reservation.get("guestEmail").asText())
                    .put("recipientPicture", reservation.get("guestPicture").asText()).put("hasUnreadMessages", 0);
            c.putNull("messageSentOn");
            c.putNull("messageReceivedOn");
            c.set("Reservation", reservation);
            SimThread thread = new SimThread(c.path("id").asText(), c);
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 0);
        }
        return account;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        return render(thread, message);
    }

    private ObjectNode render(SimThread thread, NewMessage message) {
        ZoneId utc = ZoneId.of("UTC");
        String at = local(message.at(), utc, TIME);
        ObjectNode c = thread.record;
        ObjectNode m = Json.MAPPER.createObjectNode()
                .put("id", nextId++).put("accountId", 10001).put("listingMapId", c.path("listingMapId").asLong())
                .put("reservationId", c.path("reservationId").asLong()).put("conversationId", c.path("id").asLong())
                .put("communicationId", (String) null).put("airbnbThreadMessageId", (String) null)
                .put("body", message.body()).put("isIncoming", message.fromGuest() ? 1 : 0)
                .put("isSeen", 0).put("sentUsingHostaway", message.fromGuest() ? 0 : 1)
                .put("hash", UUID.nameUUIDFromBytes((thread.id + nextId).getBytes()).toString())
                .put("listingTimeZoneName", "Europe/Berlin").put("communicationEvent", (String) null)
                .put("communicationTimeDelta", (String) null).put("communicationTimeDeltaSeconds", 0)
                .put("communicationApplyListingTimeZone", (String) null).put("communicationAlwaysTrigger", (String) null)
                .put("date", at).put("sentChannelDate", message.fromGuest() ? null : at)
                .put("communicationType", "channel").put("status", "sent").put("sentEmailDate", (String) null)
                .put("insertedOn", at).put("updatedOn", at);
        m.putArray("attachments");
        thread.messages.add(m);
        c.put(message.fromGuest() ? "messageReceivedOn" : "messageSentOn", at);
        if (message.fromGuest()) {
            c.put("hasUnreadMessages", 1);
        }
        return m;
    }

    /** Hostaway keeps the message id and shows the new text with a new updatedOn; the thread's list entry is unchanged. */
    @Override
    public void editMessage(SimThread thread, ObjectNode message, String body, Instant at) {
        message.put("body", body).put("updatedOn", local(at, ZoneId.of("UTC"), TIME));
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        String path = ex.path();
        if (ex.method().equals("POST") && path.equals("/v1/accessTokens")) {
            return issueToken(ex, tokens, null, 62208000,
                    SimResponse.json(401, "{\"status\":\"fail\",\"message\":\"Invalid client credentials\"}"));
        }
        Admission admission = bearer(ex, tokens, SimResponse.json(403, "{\"status\":\"fail\",\"message\":\"Unauthorized\"}"));
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        String[] p = path.split("/");
        // unified webhooks (_webhook_unifiedWebhookCreate.md): POST {isEnabled, url, login, password}; DELETE by id
        if (ex.method().equals("POST") && path.equals("/v1/webhooks/unifiedWebhooks")) {
            com.fasterxml.jackson.databind.JsonNode req = readJson(ex.body());
            if (req == null || !req.path("url").isTextual()) {
                return SimResponse.json(400, "{\"status\":\"fail\",\"message\":\"url is required\"}");
            }
            java.util.Map<String, String> basic = new java.util.HashMap<>();
            basic.put("webhookUser", req.path("login").asText(""));
            basic.put("webhookPassword", req.path("password").asText(""));
            String id = ex.simulator().subscribeWebhook(key(), account.id, req.path("url").asText(), basic);
            ObjectNode hook = Json.MAPPER.createObjectNode().put("id", Integer.parseInt(id)).put("accountId", 10001)
                    .put("isEnabled", req.path("isEnabled").asInt(1)).put("url", req.path("url").asText())
                    .put("login", req.path("login").asText(null)).putNull("password");
            return SimResponse.json(200, Json.MAPPER.createObjectNode().put("status", "success").set("result", hook).toString());
        }
        if (ex.method().equals("DELETE") && p.length == 5 && path.startsWith("/v1/webhooks/unifiedWebhooks/")) {
            return ex.simulator().unsubscribeWebhook(key(), account.id, p[4])
                    ? SimResponse.json(200, "{\"status\":\"success\",\"result\":[]}")
                    : SimResponse.json(404, "{\"status\":\"fail\",\"message\":\"Webhook not found\"}");
        }
        // POST /v1/conversations/{id}/messages: send (docs: _conversation_sendConversationMessage.md)
        if (ex.method().equals("POST") && p.length == 5 && p[1].equals("v1") && p[2].equals("conversations") && p[4].equals("messages")) {
            SimThread thread = account.thread(p[3]);
            if (thread == null) {
                return SimResponse.json(404, "{\"status\":\"fail\",\"message\":\"Conversation not found\"}");
            }
            com.fasterxml.jackson.databind.JsonNode req = readJson(ex.body());
            if (req == null || !req.path("body").isTextual() || req.path("body").asText().isBlank()) {
                return SimResponse.json(400, "{\"status\":\"fail\",\"message\":\"body is required\"}");
            }
            ObjectNode m = render(thread, new NewMessage(req.path("body").asText(), false, Instant.now()));
            if (req.path("communicationType").isTextual()) {
                m.put("communicationType", req.path("communicationType").asText());
            }
            sent(ex, account, thread, req, m);
            return SimResponse.json(200, Json.MAPPER.createObjectNode().put("status", "success").set("result", m).toString());
        }
        // /v1/conversations[/{id}[/messages]]
        if (!ex.method().equals("GET") || p.length < 3 || !p[1].equals("v1") || !p[2].equals("conversations")) {
            return SimResponse.error(404, "Not found");
        }
        int limit = intParam(ex.query(), "limit", 100);
        int offset = intParam(ex.query(), "offset", 0);
        if (p.length == 3) {
            List<ObjectNode> all = account.threads.stream()
                    .sorted(Comparator.comparing((SimThread t) -> latest(t.record)).reversed())
                    .map(t -> withLatest(t, !"0".equals(ex.query().getOrDefault("includeResources", "1"))))
                    .toList();
            return SimResponse.json(200, page(all, offset, limit, arr -> wrap(arr, all.size(), limit, offset)));
        }
        SimThread thread = account.thread(p[3]);
        if (thread == null) {
            return SimResponse.json(404, "{\"status\":\"fail\",\"message\":\"Conversation not found\"}");
        }
        if (p.length == 4) {
            return SimResponse.json(200, Json.MAPPER.createObjectNode().put("status", "success")
                    .set("result", withLatest(thread, true)).toString());
        }
        if (p.length == 5 && p[4].equals("messages")) {
            boolean all = "1".equals(ex.query().get("includeScheduledMessages"));
            List<ObjectNode> msgs = thread.messages.stream()
                    .filter(m -> all || "sent".equals(m.path("status").asText())) // the default shows only sent messages
                    .sorted(Comparator.comparing((ObjectNode m) -> m.path("insertedOn").asText()).reversed()).toList();
            return SimResponse.json(200, page(msgs, offset, limit, arr -> wrap(arr, msgs.size(), limit, offset)));
        }
        return SimResponse.error(404, "Not found");
    }

    /** Unified webhooks: {object, event, accountId, data}, authenticated by the Basic credentials set for the hook. */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("object", "conversationMessage").put("event", "message.received")
                .put("accountId", 10001);
        body.set("data", message);
        String basic = java.util.Base64.getEncoder().encodeToString((secrets.get("webhookUser") + ":" + secrets.get("webhookPassword"))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new WebhookCall(body.toString(), Map.of("Authorization", "Basic " + basic), Map.of());
    }

    private static String latest(ObjectNode c) {
        String s = c.path("messageSentOn").asText("");
        String r = c.path("messageReceivedOn").asText("");
        return s.compareTo(r) > 0 ? s : r;
    }

    /** includeResources=1 embeds the reservation and the latest message, as the list call does. */
    private static ObjectNode withLatest(SimThread t, boolean resources) {
        ObjectNode copy = t.record.deepCopy();
        if (!resources) {
            copy.remove("Reservation");
        }
        t.messages.stream().max(Comparator.comparing((ObjectNode m) -> m.path("insertedOn").asText()))
                .ifPresent(m -> copy.putArray("conversationMessages").add(m));
        return copy;
    }

    private static ObjectNode wrap(com.fasterxml.jackson.databind.node.ArrayNode arr, int count, int limit, int offset) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("status", "success");
        o.set("result", arr);
        o.put("count", count).put("limit", limit).put("offset", offset);
        return o;
    }
}
