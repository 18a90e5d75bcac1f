package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * FantasticStay API (https://api.fsapp.io/, docs https://api.fsapp.io/docs; see docs/research/fantasticstay.md).
 * <b>Thin-doc source: only the docs' introduction is on record.</b> What is documented: base URL, JSON bodies,
 * header {@code x-api-key: <KEY>}, global params {@code include_related_objects}, {@code page} (default 1),
 * {@code per_page} (default 20), the filter object {field, operator, value}. The Ruby client dlage/fantasticstay_api_gem
 * (C1) adds GET /reservations (listing_id, filters JSON, sort, direction), GET /reservations/{id}, GET /guests/{id},
 * GET /integrations, GET /search, and a recorded /search answer whose reservation and guest keys are used here
 * (snake_case, {@code "success": true}, times "YYYY-MM-DD HH:mm:ss" without zone, reservation {@code fs_inbox_id}).
 * <p>ASSUMED (no FantasticStay page shows the messaging API). The docs' introduction and authentication text are the
 * Hostify docs word for word with the brand swapped, and the recorded reservation carries {@code fs_*} columns (the
 * same platform), so the messaging API is assumed to be Hostify's Inbox section (see HostifySim and
 * docs/research/hostify.md):
 * <ul>
 * <li>GET /inbox (page, per_page ≤ 100, filters) -> {success, threads, total, next_page}, newest last_message first;
 * GET /inbox/{id} -> {success, thread, messages} (all messages, newest first); POST /inbox/reply {thread_id, message,
 * send_by?=channel|email|sms|whatsapp} -> {success, id} with id = the new message's id. Errors {success: false, error}
 * (401 "Your API key is wrong").</li>
 * <li>Thread object = Hostify's without {@code channel_thread_id} and the 2024 assignee fields, message object without
 * {@code is_automatic}: the project spec (Calry's field support) lists externalThreadId and isAutomatic for Hostify but
 * not for FantasticStay. Attachments are "planned" there, so messages have none.</li>
 * <li>Sender: guest messages carry the thread's guest_id; host messages carry the host user's id (4143, the recorded
 * {@code added_by}) and name; system events have guest_id null, empty message and the text in {@code notes}.</li>
 * <li>Guest names/email/phone come from GET /guests/{guest_id} ({@code related.guest}); the reservation from
 * GET /reservations[/{id}] ({@code related.reservation}), envelope {success, reservations, total} like C1's listings
 * spec ({total, listings}); its {@code fs_inbox_id} = the thread id.</li>
 * <li>Times are UTC. A message sets the thread's last_message and preview; answered = 1 after a host message.</li>
 * <li>Webhook: none is documented. Assumed to be Hostify's Amazon SNS notification (Subject "message_new", Message a
 * JSON string carrying {@code auth} = secret {@code webhookToken}); the SNS Signature is a placeholder.</li>
 * </ul>
 */
final class FantasticStaySim extends SimSource {
    private static final String TIME = "yyyy-MM-dd HH:mm:ss";
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long HOST_ID = 4143;
    private static final String HOST_NAME = "Dinis Lage";
    private static final Set<String> OPERATORS = Set.of("=", "<>", "<", ">", "<=", ">=", "in", "not_in");
    private static final Set<String> SEND_BY = Set.of("channel", "email", "sms", "whatsapp");
    private long nextId = 3000000;

    FantasticStaySim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "fantasticstay";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("apiKey", "fantasticstay-key-" + id));
    }

    @Override
    public SimThread load(String accountId, JsonNode bundle) {
        SimThread thread = super.load(accountId, bundle);
        thread.messages.forEach(m -> nextId = Math.max(nextId, m.path("id").asLong() + 1));
        return thread;
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        long base = Math.abs(accountId.hashCode() % 1000) * 1000L;
        for (int i = 0; i < threads; i++) {
            String name = guestName(i + 2);
            long guestId = 1887000 + base + i, reservationId = 1692000 + base + i, listingId = 32403 + i % 3;
            String checkIn = "2025-02-" + String.format("%02d", 1 + i % 25), checkOut = "2025-02-" + String.format("%02d", 4 + i % 25);
            ObjectNode t = Json.MAPPER.createObjectNode()
                    .put("id", 700000 + base + i).put("reservation_id", reservationId).put("integration_id", 6052)
                    .put("listing_id", listingId).put("guest_id", guestId).put("answered", 0).put("channel_unread", 0)
                    .put("preview", "").putNull("last_message").put("nights", 3).put("guests", 1 + i % 4)
                    .put("start_date", checkIn).put("is_archived", 0);
            SimThread thread = new SimThread(t.path("id").asText(), t);
            thread.related.put("guest", Json.MAPPER.createObjectNode()
                    .put("id", guestId).put("channel_guest_id", 367458000 + base + i).put("name", name)
                    .put("email", name.toLowerCase().replace(' ', '.') + "@guest.example").put("phone", "+351 912 345 " + (100 + i))
                    .put("location", "Lisbon, Portugal").putNull("country").put("country_code", "pt").putNull("city")
                    .putNull("zip_code").putNull("address").put("is_verified", 0).put("has_facebook", 0).put("has_governmentid", 0)
                    .put("has_email", 1).put("has_phone", 1).putNull("reviews").putNull("about").putNull("work").putNull("languages")
                    .putNull("original_file").putNull("notes").put("updated_at", local(t0, UTC, TIME))
                    .put("integration_nickname", "dinis.lage").put("integration_name", HOST_NAME).put("integration_id", 6052));
            thread.related.put("reservation", reservation(reservationId, t.path("id").asLong(), listingId, guestId, checkIn, checkOut,
                    "CONF" + (100000 + base + i), local(t0.minusSeconds(86400L * (i + 1)), UTC, TIME)));
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 0);
        }
        return account;
    }

    /** The reservation columns of the recorded /search answer (C1 spec/fixtures/search.json), joined columns left out. */
    private static ObjectNode reservation(long id, long inboxId, long listingId, long guestId, String checkIn, String checkOut,
                                          String code, String at) {
        return Json.MAPPER.createObjectNode().put("id", id).put("fs_inbox_id", inboxId).put("fs_listing_integration_id", 37446)
                .put("currency", "EUR").put("price_per_night", 100).put("base_price", 300).put("cleaning_fee", 35)
                .put("subtotal", 335).put("payout_price", 335).putNull("channel_reservation_id").put("source", "Airbnb")
                .put("status_code", 1).put("status", "accepted").put("status_description", "accepted").put("confirmation_code", code)
                .put("nights", 3).put("checkIn", checkIn).put("checkOut", checkOut).put("guests", 2).putNull("adults")
                .putNull("children").putNull("infants").put("confirmed_at", at).put("planned_arrival", "15:00:00")
                .put("planned_departure", "11:00:00").putNull("notes").put("updated_at", at).putNull("cancelled_at")
                .put("added_by", HOST_ID).put("listing_id", listingId).put("integration_id", 6052).put("guest_id", guestId);
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        return render(thread, message.body(), message.fromGuest(), message.at());
    }

    private ObjectNode render(SimThread thread, String body, boolean fromGuest, Instant at) {
        ObjectNode t = thread.record;
        ObjectNode guest = thread.related.get("guest");
        String created = local(at, UTC, TIME);
        ObjectNode m = Json.MAPPER.createObjectNode().put("id", nextId++).put("message", body).putNull("notes");
        if (fromGuest) {
            m.put("guest_id", t.path("guest_id").asLong()).put("guest_name", guest == null ? null : guest.path("name").asText(null))
                    .putNull("guest_thumb");
        } else {
            m.put("guest_id", HOST_ID).put("guest_name", HOST_NAME).putNull("guest_thumb");
        }
        m.put("created", created).putNull("avatar");
        thread.messages.add(m);
        t.put("last_message", created).put("preview", body).put("answered", fromGuest ? 0 : 1);
        return m;
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        String key = ex.header("x-api-key");
        SimAccount known = key == null ? null : accounts.values().stream()
                .filter(a -> key.equals(a.credentials.get("apiKey"))).findFirst().orElse(null);
        if (known == null) {
            return error(401, "Your API key is wrong");
        }
        Admission admission = admit(ex, known.id);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        String[] p = ex.path().split("/");
        if (p.length < 2 || p.length > 3 || !Set.of("inbox", "guests", "reservations").contains(p[1])) {
            return error(404, "Not found");
        }
        if (p.length == 3 && p[1].equals("inbox") && p[2].equals("reply")) {
            return ex.method().equals("POST") ? reply(ex, account) : error(405, "Method not allowed");
        }
        if (!ex.method().equals("GET")) {
            return error(405, "Method not allowed");
        }
        if (p[1].equals("guests") || p[1].equals("reservations") && p.length == 3) {
            String name = p[1].equals("guests") ? "guest" : "reservation";
            ObjectNode rec = p.length != 3 ? null : account.threads.stream().map(t -> t.related.get(name))
                    .filter(r -> r != null && r.path("id").asText().equals(p[2])).findFirst().orElse(null);
            return rec == null ? error(404, (name.equals("guest") ? "Guest" : "Reservation") + " not found") : ok(name, rec);
        }
        if (p[1].equals("reservations")) {
            List<ObjectNode> all = account.threads.stream().map(t -> t.related.get("reservation")).filter(Objects::nonNull).toList();
            return list(ex, all, "reservations", "id", false);
        }
        if (p.length == 2) {
            return list(ex, account.threads.stream().map(t -> t.record).toList(), "threads", "last_message", true);
        }
        SimThread thread = account.thread(p[2]);
        if (thread == null) {
            return error(404, "Thread not found");
        }
        ObjectNode o = Json.MAPPER.createObjectNode().put("success", true);
        o.set("thread", thread.record);
        ArrayNode arr = o.putArray("messages");
        thread.messages.stream().sorted(Comparator.comparing((ObjectNode m) -> m.path("created").asText(""))
                .thenComparing(m -> m.path("id").asLong()).reversed()).forEach(arr::add);
        return SimResponse.json(200, o.toString());
    }

    /** A paged list {success, <name>, total, next_page}: filters, listing_id, sort/direction (C1), page/per_page (docs). */
    private SimResponse list(SimExchange ex, List<ObjectNode> records, String name, String defaultSort, boolean descending) {
        JsonNode filters = ex.query().containsKey("filters") ? readJson(ex.query().get("filters")) : Json.MAPPER.createArrayNode();
        if (filters == null || !filters.isArray() || java.util.stream.StreamSupport.stream(filters.spliterator(), false)
                .anyMatch(f -> !f.path("field").isTextual() || !OPERATORS.contains(f.path("operator").asText("=")))) {
            return error(400, "Invalid filters");
        }
        String listing = ex.query().get("listing_id");
        String sort = ex.query().getOrDefault("sort", defaultSort);
        boolean desc = ex.query().containsKey("direction") ? ex.query().get("direction").equalsIgnoreCase("desc") : descending;
        Comparator<ObjectNode> order = Comparator.comparing((ObjectNode r) -> r.path(sort).asText(""), HostifyPlatform::compare)
                .thenComparing(r -> r.path("id").asLong());
        int perPage = Math.max(1, Math.min(100, intParam(ex.query(), "per_page", 20)));
        int page = Math.max(1, intParam(ex.query(), "page", 1));
        List<ObjectNode> all = records.stream().filter(r -> listing == null || r.path("listing_id").asText().equals(listing))
                .filter(r -> HostifyPlatform.matches(r, filters)).sorted(desc ? order.reversed() : order).toList();
        return SimResponse.json(200, page(all, (page - 1) * perPage, perPage, arr -> {
            ObjectNode o = Json.MAPPER.createObjectNode().put("success", true);
            o.set(name, arr);
            o.put("total", all.size());
            if (page * perPage < all.size()) {
                o.put("next_page", page + 1);
            } else {
                o.putNull("next_page");
            }
            return o;
        }));
    }

    /** POST /inbox/reply {thread_id, message, send_by?}: {"success": true, "id": <new message id>}. */
    private SimResponse reply(SimExchange ex, SimAccount account) {
        JsonNode req = readJson(ex.body());
        if (req == null || !req.isObject()) {
            return error(400, "Invalid request body");
        }
        JsonNode threadId = req.path("thread_id");
        if (!(threadId.isIntegralNumber() || threadId.isTextual() && threadId.asText().matches("\\d+"))) {
            return error(400, "thread_id is required");
        }
        if (!req.path("message").isTextual() || req.path("message").asText().isBlank()) {
            return error(400, "message is required");
        }
        if (!SEND_BY.contains(req.path("send_by").asText("channel"))) {
            return error(400, "send_by must be one of channel, email, sms, whatsapp");
        }
        SimThread thread = account.thread(threadId.asText());
        if (thread == null) {
            return error(404, "Thread not found");
        }
        ObjectNode m = render(thread, req.path("message").asText(), false, Instant.now());
        sent(ex, account, thread, req, m);
        return SimResponse.json(200, Json.MAPPER.createObjectNode().put("success", true).put("id", m.path("id").asLong()).toString());
    }

    /** ASSUMED (sibling Hostify): an Amazon SNS notification, Subject message_new, whose Message carries the auth value. */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        return HostifyPlatform.messageNew("fantasticstay", account, thread, message, List.of("message", "notes", "guest_id", "guest_name", "created"),
                secrets.get("webhookToken"), now);
    }

    private static SimResponse ok(String name, ObjectNode value) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("success", true);
        o.set(name, value);
        return SimResponse.json(200, o.toString());
    }

    private static SimResponse error(int status, String message) {
        return SimResponse.json(status, Json.MAPPER.createObjectNode().put("success", false).put("error", message).toString());
    }
}
