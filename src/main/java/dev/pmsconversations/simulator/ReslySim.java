package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resly Open API (docs.resly.com.au; research in docs/research/resly.md). Thin public docs: the messaging
 * field lists are documented, most messaging paths and envelopes are not. Tags below: [docs] seen in the docs,
 * [client] seen in an open-source client, ASSUMED chosen here, with the reason.
 * <ul>
 * <li>[docs] Base URL {@code https://api.resly.com.au} (no path prefix). POST /token {accountId, key} answers
 * {success, token_type: "Bearer", message, token, expires_in: 86400}; then {@code Authorization: Bearer}.</li>
 * <li>[docs] GET /reservations (dateType checkIn|checkOut with startDate/endDate, updated with startTime/endTime)
 * answers {type: "reservations", count, data: [...]}; GET /reservations/{id} answers {type: "reservations", data}.
 * The reservation holds the guest (firstName, lastName, email, mobile, phone), roomId, roomTypeId, hotelId.</li>
 * <li>[docs: fields] threads list {type: "threads", count, data: [{threadId, channelId, agentReference,
 * reservationId, agent, timestampUpdated}]}. ASSUMED path GET /threads, no paging (the docs show only count),
 * filters startTime/endTime on timestampUpdated (as /reservations dateType=updated) and reservationId (a client
 * plan lists "threads list --reservation"), newest first.</li>
 * <li>[docs: fields] one thread {id, channelId, agentReference, reservationId, agent, messages: [{messageId, time,
 * message, from: guest|property, to, messageType: channel|email|sms}]}. ASSUMED path GET /threads/{threadId} and
 * envelope {type: "threads", data} (as GET /reservations/{id} keeps the list's type). ASSUMED: a message keeps its
 * optional {@code subject} here too (the docs list subject only on the conversation object).</li>
 * <li>[docs: fields] conversation {type: "conversation", data: {conversationId, reservationId, messages: [..,
 * subject, messageType]}}; message may be HTML when messageType is email. ASSUMED path
 * GET /reservations/{reservationId}/conversation, conversationId = the thread's id.</li>
 * <li>[docs: response fields] send answers {success, message: {reservationId, messageType, messageId, message}}.
 * ASSUMED request POST /messages {reservationId, messageType, message, subject?} (a client plan shows
 * "messages send --type email --reservation --subject"); the message lands in the reservation's thread.</li>
 * <li>Webhooks: [client] POST /webhooks {url, hookType: "messages", basicAuthUsername, basicAuthPassword};
 * [docs] the reservation webhook body is flat with reslyAccountId and reslyWebhookType. ASSUMED message webhook:
 * Basic auth (webhookUser/webhookPassword) and body {reslyAccountId, reslyWebhookType: "message", hotelId, id,
 * channelId, agent, agentReference, reservationId, messages: [the new message]} (field list of
 * docs field-reference-12).</li>
 * <li>ASSUMED: times "yyyy-MM-dd'T'HH:mm:ss+00:00" (the reservation webhook's timestampLastModified format), ids
 * 20-character alphanumerics (as the docs' reservationId "e4fVl48C0NEyLfesdgME"), error bodies
 * {success: false, message} (the token answer's keys).</li>
 * </ul>
 */
final class ReslySim extends SimSource {
    private static final String TIME = "yyyy-MM-dd'T'HH:mm:ssxxx";
    private static final String[] CHANNELS = {"AIRBNB", "BCOM", "VRBO"};
    private static final String[] AGENTS = {"Airbnb", "Booking.com", "Vrbo"};
    private static final Set<String> TYPES = Set.of("channel", "email", "sms");
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    ReslySim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "resly";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("accountId", id, "apiKey", "resly-key-" + id));
    }

    @Override
    public String idField() {
        return "messageId";
    }

    @Override
    protected String threadId(ObjectNode record) {
        return record.path("threadId").asText();
    }

    private String newId() {
        String abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            b.append(abc.charAt(random.nextInt(abc.length())));
        }
        return b.toString();
    }

    private static String time(Instant at) {
        return local(at, ZoneOffset.UTC, TIME);
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        LocalDate day = LocalDate.of(2025, 2, 1);
        for (int i = 0; i < threads; i++) {
            String[] name = guestName(i).split(" ");
            String reservationId = newId();
            String room = "UNIT-" + (10 + i % 4);
            ObjectNode r = Json.MAPPER.createObjectNode()
                    .put("reslyAccountId", accountId).put("reslyWebhookType", "reservation").put("hotelId", accountId)
                    .put("portfolioId", "").put("reservationId", reservationId).put("currency", "AUD").put("status", "confirmed")
                    .put("reservationRef", String.valueOf(5350 + i)).put("checkIn", day.plusDays(i).toString())
                    .put("checkOut", day.plusDays(i + 3).toString()).put("createdOn", "2025-01-0" + (1 + i % 9))
                    .put("roomId", room).put("roomName", "Unit " + (10 + i % 4)).put("roomTypeId", "2BR-OCEAN")
                    .put("roomTypeName", "2 Bedroom Ocean Apartment").put("agentId", CHANNELS[i % 3].toLowerCase())
                    .put("agentName", AGENTS[i % 3]).put("agentReference", "HM" + (480000 + i)).put("ratePlanId", "3N-2BR-OCEAN")
                    .put("ratePlanName", "3 Nights Min").put("bookingDate", "2025-01-0" + (1 + i % 9)).put("comments", "")
                    .put("firstName", name[0]).put("lastName", name[1]).put("adults", 2).put("children", 0)
                    .put("email", name[0].toLowerCase() + "." + name[1].toLowerCase() + "@guest.example")
                    .put("mobile", "04" + (35000000 + i)).put("phone", "").put("isCheckedIn", false).put("isCheckedOut", false)
                    .put("timestampLastModified", time(t0));
            r.putNull("timestampCancelled");
            ObjectNode t = Json.MAPPER.createObjectNode().put("threadId", newId()).put("channelId", CHANNELS[i % 3])
                    .put("agentReference", String.valueOf(2369536000L + i)).put("reservationId", reservationId)
                    .put("agent", AGENTS[i % 3]).put("timestampUpdated", time(t0));
            SimThread thread = new SimThread(t.path("threadId").asText(), t);
            thread.related.put("reservation", r);
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 0);
        }
        return account;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        return render(thread, message.body(), message.fromGuest(), "channel", null, message.at());
    }

    private ObjectNode render(SimThread thread, String body, boolean fromGuest, String type, String subject, Instant at) {
        ObjectNode m = Json.MAPPER.createObjectNode().put("messageId", newId()).put("time", time(at)).put("message", body)
                .put("from", fromGuest ? "guest" : "property").put("to", fromGuest ? "property" : "guest");
        if (subject != null) {
            m.put("subject", subject);
        }
        m.put("messageType", type);
        thread.messages.add(m);
        thread.record.put("timestampUpdated", m.path("time").asText());
        return m;
    }

    private static SimResponse fail(int status, String message) {
        return SimResponse.json(status, Json.MAPPER.createObjectNode().put("success", false).put("message", message).toString());
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        String[] p = ex.path().split("/");
        if (ex.method().equals("POST") && ex.path().equals("/token")) {
            JsonNode req = readJson(ex.body());
            SimAccount a = req == null ? null : accounts.get(req.path("accountId").asText());
            if (a == null || !a.credentials.get("apiKey").equals(req.path("key").asText())) {
                return fail(401, "Authentication failed. Invalid accountId or key.");
            }
            ex.record(key(), a.id);
            String token = "resly-token-" + java.util.UUID.randomUUID();
            tokens.put(token, a.id);
            return SimResponse.json(200, Json.MAPPER.createObjectNode().put("success", true).put("token_type", "Bearer")
                    .put("message", "Authentication successful.").put("token", token).put("expires_in", 86400).toString());
        }
        Admission admission = bearer(ex, tokens, fail(401, "Unauthorized. Invalid or expired token."));
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        if (ex.method().equals("POST") && ex.path().equals("/messages")) {
            return send(ex, account);
        }
        if (!ex.method().equals("GET") || p.length < 2) {
            return fail(404, "Not found.");
        }
        if (p[1].equals("threads") && p.length == 2) {
            Instant from = instant(ex.query().get("startTime"), Instant.MIN);
            Instant to = instant(ex.query().get("endTime"), Instant.MAX);
            String reservationId = ex.query().get("reservationId");
            List<ObjectNode> all = account.threads.stream().map(t -> t.record)
                    .filter(r -> reservationId == null || reservationId.equals(r.path("reservationId").asText()))
                    .filter(r -> {
                        Instant u = instant(r.path("timestampUpdated").asText(), Instant.MIN);
                        return !u.isBefore(from) && !u.isAfter(to);
                    })
                    .sorted(Comparator.comparing((ObjectNode r) -> r.path("timestampUpdated").asText()).reversed()).toList();
            return list("threads", all);
        }
        if (p[1].equals("threads") && p.length == 3) {
            SimThread t = account.thread(p[2]);
            if (t == null) {
                return fail(404, "Thread not found.");
            }
            ObjectNode d = Json.MAPPER.createObjectNode().put("id", t.id);
            for (String f : new String[] {"channelId", "agentReference", "reservationId", "agent"}) {
                d.set(f, t.record.get(f));
            }
            d.set("messages", Json.MAPPER.valueToTree(t.messages));
            return one("threads", d);
        }
        if (p[1].equals("reservations") && p.length == 2) {
            return reservations(ex, account);
        }
        SimThread t = p[1].equals("reservations") && p.length >= 3 ? byReservation(account, p[2]) : null;
        if (t != null && p.length == 3) {
            return one("reservations", t.related.get("reservation"));
        }
        if (t != null && p.length == 4 && p[3].equals("conversation")) {
            ObjectNode d = Json.MAPPER.createObjectNode().put("conversationId", t.id).put("reservationId", p[2]);
            d.set("messages", Json.MAPPER.valueToTree(t.messages));
            return one("conversation", d);
        }
        return fail(404, "Not found.");
    }

    private SimResponse send(SimExchange ex, SimAccount account) {
        JsonNode req = readJson(ex.body());
        if (req == null || !req.path("reservationId").isTextual() || !req.path("message").isTextual()
                || req.path("message").asText().isBlank()) {
            return fail(400, "reservationId and message are required.");
        }
        String type = req.path("messageType").asText("");
        if (!TYPES.contains(type)) {
            return fail(400, "messageType must be one of email, sms, channel.");
        }
        SimThread thread = byReservation(account, req.path("reservationId").asText());
        if (thread == null) {
            return fail(404, "Reservation not found.");
        }
        String subject = req.path("subject").isTextual() ? req.path("subject").asText() : null;
        ObjectNode m = render(thread, req.path("message").asText(), false, type, subject, Instant.now());
        sent(ex, account, thread, req, m);
        ObjectNode out = Json.MAPPER.createObjectNode().put("success", true);
        out.putObject("message").put("reservationId", thread.record.path("reservationId").asText()).put("messageType", type)
                .put("messageId", m.path("messageId").asText()).put("message", m.path("message").asText());
        return SimResponse.json(200, out.toString());
    }

    private SimResponse reservations(SimExchange ex, SimAccount account) {
        Map<String, String> q = ex.query();
        String dateType = q.getOrDefault("dateType", "");
        String field = switch (dateType) {
            case "checkIn" -> "checkIn";
            case "checkOut" -> "checkOut";
            case "updated" -> "timestampLastModified";
            default -> null;
        };
        if (field == null) {
            return fail(400, "dateType is required: checkIn, checkOut or updated.");
        }
        boolean updated = dateType.equals("updated");
        Instant from = instant(q.get(updated ? "startTime" : "startDate"), Instant.MIN);
        Instant to = instant(q.get(updated ? "endTime" : "endDate"), Instant.MAX);
        List<ObjectNode> all = account.threads.stream().map(t -> t.related.get("reservation")).filter(r -> r != null)
                .filter(r -> {
                    Instant v = instant(r.path(field).asText(), Instant.MIN);
                    return !v.isBefore(from) && !v.isAfter(to);
                }).toList();
        return list("reservations", all);
    }

    private static SimThread byReservation(SimAccount account, String reservationId) {
        return account.threads.stream().filter(t -> reservationId.equals(t.record.path("reservationId").asText()))
                .findFirst().orElse(null);
    }

    private static SimResponse list(String type, List<ObjectNode> all) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("type", type).put("count", all.size());
        ArrayNode data = o.putArray("data");
        all.forEach(data::add);
        return SimResponse.json(200, o.toString());
    }

    private static SimResponse one(String type, ObjectNode data) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("type", type);
        o.set("data", data);
        return SimResponse.json(200, o.toString());
    }

    /** An ISO date-time (with or without offset, UTC if none) or a date (its start); {@code fallback} otherwise. */
    private static Instant instant(String s, Instant fallback) {
        if (s == null || s.isBlank()) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (RuntimeException e) {
            try {
                return s.length() == 10 ? LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC)
                        : java.time.LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (RuntimeException e2) {
                return fallback;
            }
        }
    }

    /** ASSUMED (see class doc): the thread with just the new message, flat with reslyAccountId/reslyWebhookType. */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("reslyAccountId", account.id).put("reslyWebhookType", "message")
                .put("hotelId", account.id).put("id", thread.id);
        for (String f : new String[] {"channelId", "agent", "agentReference", "reservationId"}) {
            body.set(f, thread.record.get(f));
        }
        body.putArray("messages").add(message);
        String basic = Base64.getEncoder().encodeToString((secrets.get("webhookUser") + ":" + secrets.get("webhookPassword"))
                .getBytes(StandardCharsets.UTF_8));
        return new WebhookCall(body.toString(), Map.of("Authorization", "Basic " + basic), Map.of());
    }
}
