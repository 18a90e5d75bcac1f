package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Lodgify public API (docs.lodgify.com; research notes docs/research/lodgify.md), header {@code X-ApiKey}.
 * <ul>
 * <li>GET /v2/reservations/bookings?page=1&size=50&includeCount=true&stayFilter=All&updatedSince= answers
 *     {@code {"count": N|null, "items": [booking]}}; count only with includeCount=true. stayFilter defaults to
 *     Upcoming (arrival after today, UTC), Current (arrival &le; today &lt; departure), Historic (departure &le;
 *     today), All, ArrivalDate/DepartureDate (+stayFilterDate). Order is by arrival, not by change time.</li>
 * <li>GET /v2/reservations/bookings/{id}: the same booking object. Every booking carries {@code thread_uid}.</li>
 * <li>GET /v2/messaging/{threadGuid}: {thread_uid, subject, is_read, is_closed, last_message_date, guest_name,
 *     guest_email, error_title, error_message, messages[newest first]}; message {id, message_id, type
 *     Owner|Renter, subject, message, date_created, is_read, is_imported, message_status, route, attachments}.</li>
 * <li>POST /v1/reservation/booking/{id}/messages, body a JSON array [{subject, message, type, send_notification}]:
 *     200 with an empty body, no message id (live-verified, notes §3). Stored verbatim, route null, Delivered.</li>
 * <li>Webhook guest_message_received (docs webhook-objects), only for guest (Renter) messages, header
 *     {@code ms-signature: sha256=<hex>}: HMAC-SHA256 keyed with the subscription secret over the raw body.</li>
 * </ul>
 * Decisions where the docs are silent: thread/booking timestamps are naive UTC "yyyy-MM-ddTHH:mm:ss" (a client,
 * lib/lodgify/messages.ts, notes Lodgify's message times carry no zone); the webhook's creation_time is UTC with
 * "+00:00" as the docs' example; its message_id is the message's integer {@code id}; the signature hex is lower
 * case; attachments are {file_name, content_type (empty), content_length, file_url} (same client); dashboard
 * (control-API) host messages are HTML, guest messages plain text; Renter messages have message_status Unknown;
 * a new message never changes the booking's updated_at (live-verified); a new guest message sets the thread's
 * is_read false; errors answer {"message", "code"}. The thread's own fields live in {@code related.thread}.
 * A send whose array holds several messages creates one message per element.
 */
final class LodgifySim extends SimSource {
    private static final String TIME = "yyyy-MM-dd'T'HH:mm:ss";
    private static final String[] SOURCES = {"AirbnbIntegration", "BookingCom", "HomeAway", "Manual"};
    private static final String[] SOURCE_TEXT = {"Airbnb", "Booking.com", "VRBO", "Manual"};
    private static final String[] ROUTES = {"Airbnb", "BookingCom", "Vrbo", "Email"};
    private long nextId = 53000000;

    LodgifySim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "lodgify";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("apiKey", "lodgify-key-" + id));
    }


    @Override
    public SimThread load(String accountId, JsonNode bundle) {
        SimThread t = super.load(accountId, bundle);
        t.related.computeIfAbsent("thread", k -> newThread(t.record, "Booking #" + t.id));
        return t;
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int i = 0; i < threads; i++) {
            long id = 4100000 + i;
            String name = guestName(i + 5);
            // every third stay is past, every third current, the rest upcoming: only stayFilter=All lists them all
            LocalDate arrival = switch (i % 3) {
                case 0 -> today.minusDays(40 + i);
                case 1 -> today.minusDays(1);
                default -> today.plusDays(10 + i);
            };
            int s = i % SOURCES.length;
            ObjectNode b = Json.MAPPER.createObjectNode().put("id", id)
                    .put("arrival", arrival.toString()).put("departure", arrival.plusDays(3).toString())
                    .put("is_deleted", false).put("language", "en").put("property_id", 680420 + i % 2);
            ObjectNode room = b.putArray("rooms").addObject().put("room_type_id", 747399 + i % 2);
            room.putObject("guest_breakdown").put("adults", 2).put("children", i % 2).put("infants", 0).put("pets", 0);
            room.put("people", 2 + i % 2).putNull("key_code");
            b.putObject("guest").put("name", name).put("email", name.toLowerCase().replace(' ', '.') + "@guest.example")
                    .put("phone", "+1 617 555 0" + (100 + i)).put("country_code", "US");
            b.put("currency_code", "USD").put("status", "Booked").put("source", SOURCES[s]).put("source_text", SOURCE_TEXT[s])
                    .put("total_amount", 540.0 + i).put("amount_paid", 540.0 + i).put("amount_due", 0.0)
                    .put("created_at", local(t0.minusSeconds(86400L * (i + 2)), ZoneOffset.UTC, TIME))
                    .put("updated_at", local(t0.minusSeconds(86400L), ZoneOffset.UTC, TIME))
                    .putNull("canceled_at").putNull("tentative_expires_at").put("is_new", false)
                    .put("is_overbooked", false).put("is_unavailable", false).putNull("check_in").putNull("check_out")
                    .put("thread_uid", UUID.nameUUIDFromBytes((accountId + "/" + id).getBytes(StandardCharsets.UTF_8)).toString());
            SimThread thread = new SimThread(Long.toString(id), b);
            thread.related.put("thread", newThread(b, "Booking #" + id));
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 0);
        }
        return account;
    }

    private static ObjectNode newThread(ObjectNode booking, String subject) {
        ObjectNode t = Json.MAPPER.createObjectNode().put("thread_uid", booking.path("thread_uid").asText())
                .put("subject", subject).put("is_read", true).put("is_closed", false).putNull("last_message_date")
                .put("guest_name", booking.at("/guest/name").asText()).put("guest_email", booking.at("/guest/email").asText());
        return t.putNull("error_title").putNull("error_message");
    }

    /** Dashboard-written host messages are HTML; guest messages plain text. */
    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        String body = message.fromGuest() ? message.body() : "<p>" + message.body().replace("&", "&amp;").replace("<", "&lt;")
                .replace(">", "&gt;").replace("\n", "<br>") + "</p>";
        return render(thread, message.fromGuest() ? "Renter" : "Owner", null, body, message.at(),
                route(thread), message.fromGuest() ? "Unknown" : "Delivered");
    }

    private String route(SimThread thread) {
        for (int s = 0; s < SOURCES.length; s++) {
            if (SOURCES[s].equals(thread.record.path("source").asText())) {
                return ROUTES[s];
            }
        }
        return "Email";
    }

    private ObjectNode render(SimThread thread, String type, String subject, String body, Instant at, String route, String status) {
        long id = nextId++;
        String when = local(at, ZoneOffset.UTC, TIME);
        ObjectNode m = Json.MAPPER.createObjectNode().put("id", id)
                .put("message_id", UUID.nameUUIDFromBytes(("lodgify-message-" + id).getBytes(StandardCharsets.UTF_8)).toString())
                .put("type", type).put("subject", subject).put("message", body).put("date_created", when)
                .put("is_read", !type.equals("Renter")).put("is_imported", false).put("message_status", status).put("route", route);
        m.putArray("attachments");
        thread.messages.add(0, m); // kept newest first, as the thread read answers
        ObjectNode t = thread.related.computeIfAbsent("thread", k -> newThread(thread.record, "Booking #" + thread.id));
        t.put("last_message_date", when);
        if (type.equals("Renter")) {
            t.put("is_read", false);
        }
        // the booking's updated_at is deliberately left alone: messages do not touch the booking (notes §1)
        return m;
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        String key = ex.header("X-ApiKey");
        SimAccount known = key == null ? null : accounts.values().stream()
                .filter(a -> key.equals(a.credentials.get("apiKey"))).findFirst().orElse(null);
        if (known == null) {
            return error(401, "Authorization has been denied for this request.", 999);
        }
        Admission admission = admit(ex, known.id);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        String[] p = ex.path().split("/");
        // webhooks: POST /webhooks/v1/subscribe {target_url, event} -> {id, secret}; DELETE /webhooks/v1/unsubscribe {id}
        if (ex.method().equals("POST") && ex.path().equals("/webhooks/v1/subscribe")) {
            com.fasterxml.jackson.databind.JsonNode req = readJson(ex.body());
            if (req == null || !req.path("target_url").isTextual() || !req.path("event").isTextual()) {
                return error(400, "target_url and event are required", 400);
            }
            String secret = "lodgify-whsec-" + java.util.UUID.randomUUID();
            String id = ex.simulator().subscribeWebhook(key(), account.id, req.path("target_url").asText(), Map.of("webhookSecret", secret));
            return SimResponse.json(200, Json.MAPPER.createObjectNode().put("id", "wh_" + id).put("event", req.path("event").asText())
                    .put("target_url", req.path("target_url").asText()).put("secret", secret).toString());
        }
        if (ex.method().equals("DELETE") && ex.path().equals("/webhooks/v1/unsubscribe")) {
            com.fasterxml.jackson.databind.JsonNode req = readJson(ex.body());
            String id = req == null ? "" : req.path("id").asText("").replaceFirst("^wh_", "");
            return ex.simulator().unsubscribeWebhook(key(), account.id, id) ? SimResponse.json(200, "{}")
                    : error(404, "Webhook not found", 404);
        }
        // POST /v1/reservation/booking/{id}/messages [{subject, message, type, send_notification}] -> 200, empty body
        if (ex.method().equals("POST") && p.length == 6 && p[1].equals("v1") && p[2].equals("reservation")
                && p[3].equals("booking") && p[5].equals("messages")) {
            SimThread thread = account.thread(p[4]);
            if (thread == null) {
                return error(404, "Booking not found", 404);
            }
            String type = ex.header("Content-Type");
            if (type == null || !type.toLowerCase().contains("json")) {
                return error(415, "Unsupported media type; send application/*+json", 415);
            }
            JsonNode req = readJson(ex.body());
            if (req == null || !req.isArray() || req.isEmpty()) {
                return error(400, "The request body must be a non-empty JSON array of messages", 400);
            }
            for (JsonNode item : req) {
                String t = item.path("type").asText("Owner");
                if (!item.path("message").isTextual() || item.path("message").asText().isBlank()
                        || !List.of("Owner", "Renter", "Comment").contains(t)) {
                    return error(400, "Each message needs a non-empty 'message' and a type Owner, Renter or Comment", 400);
                }
            }
            for (JsonNode item : req) {
                String subject = item.path("subject").isTextual() ? item.path("subject").asText() : null;
                ObjectNode m = render(thread, item.path("type").asText("Owner"), subject, item.path("message").asText(),
                        Instant.now(), null, "Delivered");
                sent(ex, account, thread, req, m);
            }
            return new SimResponse(200, "text/plain", "", Map.of());
        }
        if (!ex.method().equals("GET") || p.length < 3 || !p[1].equals("v2")) {
            return error(404, "Not found", 404);
        }
        // GET /v2/messaging/{threadGuid}
        if (p.length == 4 && p[2].equals("messaging")) {
            SimThread thread = account.threads.stream()
                    .filter(t -> t.record.path("thread_uid").asText().equalsIgnoreCase(p[3])).findFirst().orElse(null);
            if (thread == null) {
                return error(404, "Thread not found", 404);
            }
            ObjectNode out = thread.related.get("thread").deepCopy();
            thread.messages.stream().sorted(Comparator.comparing((ObjectNode m) -> m.path("date_created").asText())
                            .thenComparing(m -> m.path("id").asLong()).reversed())
                    .forEach(m -> out.withArray("messages").add(m));
            out.withArray("messages");
            return SimResponse.json(200, out.toString());
        }
        if (p.length < 4 || !p[2].equals("reservations") || !p[3].equals("bookings")) {
            return error(404, "Not found", 404);
        }
        if (p.length == 5) {
            SimThread thread = account.thread(p[4]);
            return thread == null ? error(404, "Booking not found", 404) : SimResponse.json(200, thread.record.toString());
        }
        if (p.length != 4) {
            return error(404, "Not found", 404);
        }
        Predicate<ObjectNode> stay = stayFilter(ex.query().getOrDefault("stayFilter", "Upcoming"),
                ex.query().getOrDefault("stayFilterDate", ""));
        if (stay == null) {
            return error(400, "Invalid stayFilter", 400);
        }
        String since = normalize(ex.query().get("updatedSince"));
        int size = Math.max(1, Math.min(100, intParam(ex.query(), "size", 50)));
        int page = Math.max(1, intParam(ex.query(), "page", 1));
        List<ObjectNode> all = account.threads.stream().map(t -> t.record).filter(stay)
                .filter(b -> !b.path("is_deleted").asBoolean(false) || "True".equalsIgnoreCase(ex.query().get("trash")))
                .filter(b -> since == null || normalize(b.path("updated_at").asText()).compareTo(since) >= 0)
                .sorted(Comparator.comparing((ObjectNode b) -> b.path("arrival").asText()).thenComparing(b -> b.path("id").asLong()))
                .toList();
        boolean count = "true".equalsIgnoreCase(ex.query().get("includeCount"));
        return SimResponse.json(200, page(all, (page - 1) * size, size, arr -> {
            ObjectNode o = Json.MAPPER.createObjectNode();
            if (count) {
                o.put("count", all.size());
            } else {
                o.putNull("count");
            }
            o.set("items", arr);
            return o;
        }));
    }

    private static Predicate<ObjectNode> stayFilter(String filter, String date) {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String on = date.length() >= 10 ? date.substring(0, 10) : date;
        return switch (filter.toLowerCase()) {
            case "upcoming" -> b -> b.path("arrival").asText().compareTo(today) > 0;
            case "current" -> b -> b.path("arrival").asText().compareTo(today) <= 0 && b.path("departure").asText().compareTo(today) > 0;
            case "historic" -> b -> b.path("departure").asText().compareTo(today) <= 0;
            case "all" -> b -> true;
            case "arrivaldate" -> b -> b.path("arrival").asText().startsWith(on);
            case "departuredate" -> b -> b.path("departure").asText().startsWith(on);
            default -> null;
        };
    }

    /** "2024-03-01T00:00:00Z", "2024-03-01 00:00" or "2024-03-01" as naive UTC "yyyy-MM-ddTHH:mm:ss" (null if absent). */
    private static String normalize(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String s = value.trim().replace(' ', 'T').replaceAll("(Z|[+-]\\d{2}:?\\d{2})$", "");
        s = s.length() == 10 ? s + "T00:00:00" : s.length() == 16 ? s + ":00" : s;
        return s.length() > 19 ? s.substring(0, 19) : s;
    }

    private static SimResponse error(int status, String message, int code) {
        return SimResponse.json(status, Json.MAPPER.createObjectNode().put("message", message).put("code", code).toString());
    }

    /** Lodgify announces no Owner messages: a send is recorded, but no webhook follows. */
    @Override
    protected void sent(SimExchange ex, SimAccount account, SimThread thread, JsonNode request, ObjectNode created) {
        ex.simulator().recordSend(new SimSend(key(), account.id, thread.id, request, created.path(idField()).asText()));
    }

    /**
     * guest_message_received {action, thread_uid, message_id, inbox_uid "B<bookingId>", guest_name, subject, message,
     * creation_time (UTC, +00:00), has_attachments}, one JSON object, signed {@code ms-signature: sha256=<hex>} with
     * HMAC-SHA256(webhookSecret, raw body). Lodgify sends it for guest messages only; host messages added through the
     * control API (the only way a non-guest message reaches here) are announced the same way for lack of another hook.
     */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("action", "guest_message_received")
                .put("thread_uid", thread.record.path("thread_uid").asText()).put("message_id", message.path("id").asLong())
                .put("inbox_uid", "B" + thread.record.path("id").asText())
                .put("guest_name", thread.record.at("/guest/name").asText());
        body.set("subject", message.path("subject").isTextual() ? message.get("subject") : Json.MAPPER.nullNode());
        body.put("message", message.path("message").asText())
                .put("creation_time", message.path("date_created").asText() + "+00:00")
                .put("has_attachments", !message.path("attachments").isEmpty());
        String text = body.toString();
        String secret = secrets.get("webhookSecret");
        return new WebhookCall(text, secret == null || secret.isEmpty() ? Map.of()
                : Map.of("ms-signature", "sha256=" + hmacHex(secret, text)), Map.of());
    }

    static String hmacHex(String secret, String body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
