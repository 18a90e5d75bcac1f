package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Smoobu API (docs.smoobu.com): header {@code Api-Key}; GET /api/reservations (page/pageSize, filters
 * such as departureFrom, answer {page_count, page_size, total_items, page, bookings}); GET
 * /api/reservations/{id}/messages (page, answer {page_count, page_size, total_items, page, messages}).
 * Messages hang off the reservation: there is no thread resource. Booking keys are hyphenated.
 */
final class SmoobuSim extends SimSource {
    static final String MESSAGE_TIME_FIELD = "createdAt";
    private static final String TIME = "yyyy-MM-dd HH:mm:ss";
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private long nextId = 5000;

    SmoobuSim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "smoobu";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("apiKey", "smoobu-key-" + id));
    }


    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        LocalDate today = LocalDate.now(ZONE);
        for (int i = 0; i < threads; i++) {
            String name = guestName(i + 3);
            String[] parts = name.split(" ");
            ObjectNode b = Json.MAPPER.createObjectNode()
                    .put("id", 291000 + i).put("reference-id", "HMABC" + (1000 + i)).put("type", "reservation")
                    .put("arrival", today.plusDays(i).toString()).put("departure", today.plusDays(i + 3).toString())
                    .put("created-at", local(t0.minusSeconds(86400L * (i + 1)), ZONE, "yyyy-MM-dd HH:mm"))
                    .put("modifiedAt", local(t0, ZONE, "yyyy-MM-dd HH:mm"));
            b.set("apartment", Json.MAPPER.createObjectNode().put("id", 120 + i % 2).put("name", "Apartment " + (1 + i % 2)));
            b.set("channel", Json.MAPPER.createObjectNode().put("id", 465614).put("name", "Airbnb"));
            b.put("guest-name", name).put("firstname", parts[0]).put("lastname", parts[1])
                    .put("email", parts[0].toLowerCase() + "@guest.example").put("phone", "+49 30 1234" + (100 + i))
                    .put("adults", 2).put("children", 0).put("check-in", "16:00").put("check-out", "10:00")
                    .put("notice", "").put("price", 420.5).put("price-paid", "Yes").put("deposit", 0).put("deposit-paid", "No")
                    .put("language", "en").put("is-blocked-booking", false).put("guestId", 77000 + i);
            SimThread thread = new SimThread(b.path("id").asText(), b);
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
        ObjectNode m = Json.MAPPER.createObjectNode()
                .put("id", nextId++)
                .put(MESSAGE_TIME_FIELD, local(message.at(), ZONE, TIME))
                .put("subject", message.fromGuest() ? "Message from guest" : "")
                .put("message", message.body())
                .put("htmlMessage", "<p>" + message.body().replace("&", "&amp;").replace("<", "&lt;") + "</p>")
                .put("type", message.fromGuest() ? 1 : 2);
        thread.messages.add(m);
        return m;
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        String key = ex.header("Api-Key");
        SimAccount known = key == null ? null : accounts.values().stream()
                .filter(a -> key.equals(a.credentials.get("apiKey"))).findFirst().orElse(null);
        if (known == null) {
            return SimResponse.json(401, "{\"status\":401,\"title\":\"Unauthorized\",\"detail\":\"Invalid API key\"}");
        }
        Admission admission = admit(ex, known.id);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        String[] p = ex.path().split("/");
        // POST /api/reservations/{id}/messages/send-message-to-guest {subject, messageBody}: 201, no message id
        if (ex.method().equals("POST") && p.length == 6 && p[2].equals("reservations") && p[4].equals("messages")
                && p[5].equals("send-message-to-guest")) {
            SimThread thread = account.thread(p[3]);
            if (thread == null) {
                return SimResponse.json(404, "{\"status\":404,\"title\":\"Not Found\"}");
            }
            com.fasterxml.jackson.databind.JsonNode req = readJson(ex.body());
            if (req == null || !req.path("messageBody").isTextual() || req.path("messageBody").asText().isBlank()) {
                return SimResponse.json(422, "{\"status\":422,\"title\":\"Unprocessable Entity\",\"detail\":\"messageBody is required\"}");
            }
            ObjectNode m = render(thread, new NewMessage(req.path("messageBody").asText(), false, Instant.now()));
            m.put("subject", req.path("subject").asText(""));
            sent(ex, account, thread, req, m);
            return SimResponse.json(201, "{}");
        }
        // /api/reservations[/{id}/messages]
        if (!ex.method().equals("GET") || p.length < 3 || !p[1].equals("api") || !p[2].equals("reservations")) {
            return SimResponse.json(404, "{\"status\":404,\"title\":\"Not Found\"}");
        }
        int pageSize = Math.min(100, intParam(ex.query(), "pageSize", 25));
        int page = Math.max(1, intParam(ex.query(), "page", 1));
        if (p.length == 3) {
            String departureFrom = ex.query().get("departureFrom");
            List<ObjectNode> all = account.threads.stream().map(t -> t.record)
                    .filter(b -> departureFrom == null || b.path("departure").asText().compareTo(departureFrom) >= 0)
                    .sorted(Comparator.comparing((ObjectNode b) -> b.path("id").asLong())).toList();
            return SimResponse.json(200, page(all, (page - 1) * pageSize, pageSize, arr -> {
                ObjectNode o = pageHeader(all.size(), pageSize, page);
                o.set("bookings", arr);
                return o;
            }));
        }
        SimThread thread = account.thread(p[3]);
        if (thread != null && p.length == 4) { // GET /api/reservations/{id}: the booking object itself
            return SimResponse.json(200, thread.record.toString());
        }
        if (thread == null || p.length != 5 || !p[4].equals("messages")) {
            return SimResponse.json(404, "{\"status\":404,\"title\":\"Not Found\"}");
        }
        int size = 25;
        List<ObjectNode> msgs = thread.messages;
        return SimResponse.json(200, page(msgs, (page - 1) * size, size, arr -> {
            ObjectNode o = pageHeader(msgs.size(), size, page);
            o.set("messages", arr);
            return o;
        }));
    }

    /** {action: newMessage, user, data: {message..., booking: {id}}}; no signature: a secret token in the URL. */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode data = message.deepCopy();
        data.set("booking", Json.MAPPER.createObjectNode().put("id", thread.record.path("id").asLong()));
        ObjectNode body = Json.MAPPER.createObjectNode().put("action", "newMessage").put("user", 77001);
        body.set("data", data);
        return new WebhookCall(body.toString(), Map.of(), Map.of("token", secrets.get("webhookToken")));
    }

    private static ObjectNode pageHeader(int total, int size, int page) {
        return Json.MAPPER.createObjectNode().put("page_count", Math.max(1, (total + size - 1) / size))
                .put("page_size", size).put("total_items", total).put("page", page);
    }
}
