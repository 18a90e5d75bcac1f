package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hospitable Public API v2 (developer.hospitable.com; base https://public.api.hospitable.com/v2, here
 * {@code /hospitable/v2}). Research and sources: docs/research/hospitable.md. Auth {@code Authorization:
 * Bearer <personal access token>}. There is no thread resource: a conversation is a reservation, so the
 * SimThread id is the reservation uuid.
 * <ul>
 * <li>GET /v2/properties (page, per_page &le; 100) and GET /v2/reservations ({@code properties[]} required,
 * start_date/end_date, date_query=checkin|checkout, include=guest,properties, page, per_page &le; 100):
 * Laravel envelope {data, links, meta}. GET /v2/reservations/{uuid}: {data}.</li>
 * <li>GET /v2/reservations/{uuid}/messages: {data: [Message]} oldest first, not paginated (client live probe).</li>
 * <li>POST /v2/reservations/{uuid}/messages {body, images?&le;3, sender_id?}: 202 {data: {sent_reference_id}}.</li>
 * <li>Webhook {id, action: message.created, data: Message, created, version: v2}, header {@code Signature} =
 * hex HMAC-SHA256 of the raw body with the webhook secret (docs, "Webhooks" page).</li>
 * </ul>
 * Decisions where the docs are silent: messages carry the {@code id} (int) and {@code source}, {@code reactions},
 * {@code integration}, {@code sent_reference_id} keys seen live by clients (tykeal/homeassistant-hospitable);
 * {@code author} (shape unknown) is left out. {@code source} is "public_api" for API sends (docs example),
 * "hospitable" for host messages written in the app and "platform" for guest messages (invented values).
 * A send is rendered at once (really asynchronous). Errors use {status_code, reason_phrase[, errors]}.
 * Omitted dates do not filter. Repeated {@code properties[]} keys: only the last survives the simulator's query
 * map, so use {@code properties[0]=..&properties[1]=..} for several. The 2/min per-reservation limits on the
 * messages endpoints are not enforced (use PmsSimulator.rateLimit).
 */
final class HospitableSim extends SimSource {
    private static final String Z = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private static final ZoneId UTC = ZoneId.of("UTC");
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private long nextId = 4810300;

    HospitableSim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "hospitable";
    }

    @Override
    protected SimAccount newAccount(String id) {
        String token = "hospitable-pat-" + id;
        tokens.put(token, id);
        return new SimAccount(id, Map.of("token", token));
    }

    private String uuid() {
        return new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString();
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        LocalDate today = LocalDate.now(UTC);
        List<ObjectNode> props = List.of(property(uuid(), "Apartment 1"), property(uuid(), "Apartment 2"));
        for (int i = 0; i < threads; i++) {
            String[] name = guestName(i + 5).split(" ");
            LocalDate arrival = today.plusDays(i);
            ObjectNode r = Json.MAPPER.createObjectNode().put("id", uuid()).put("conversation_id", uuid())
                    .put("platform", i % 3 == 2 ? "booking" : "airbnb").put("platform_id", "HM" + (4000 + i))
                    .put("booking_date", local(t0.minusSeconds(86400L * (i + 2)), UTC, Z))
                    .put("arrival_date", arrival + "T00:00:00-05:00").put("departure_date", arrival.plusDays(3) + "T00:00:00-05:00")
                    .put("nights", 3).put("check_in", arrival + "T15:00:00-05:00").put("check_out", arrival.plusDays(3) + "T11:00:00-05:00");
            r.putNull("last_message_at");
            r.put("status", "booking");
            ObjectNode current = Json.MAPPER.createObjectNode().put("category", "accepted").putNull("sub_category");
            r.putObject("reservation_status").set("current", current);
            ((ObjectNode) r.get("reservation_status")).putArray("history").add(current.deepCopy().put("changed_at", r.get("booking_date").asText()));
            r.putArray("status_history").add(current.deepCopy().put("changed_at", r.get("booking_date").asText()));
            r.putObject("guests").put("total", 2).put("adult_count", 2).put("child_count", 0).put("infant_count", 0).put("pet_count", 0);
            ObjectNode g = r.putObject("guest").put("id", Integer.toString(77000 + i))
                    .put("profile_picture", "https://a0.muscache.com/im/pictures/user/guest-" + i + ".jpg").put("location", "Berlin, Germany")
                    .put("first_name", name[0]).put("last_name", name[1]).put("email", name[0].toLowerCase() + "@guest.example").put("language", "en");
            g.putArray("phone_numbers").add("+49301234" + (100 + i));
            r.putArray("properties").add(props.get(i % 2).deepCopy());
            SimThread thread = new SimThread(r.get("id").asText(), r);
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 0);
        }
        return account;
    }

    private static ObjectNode property(String id, String name) {
        ObjectNode p = Json.MAPPER.createObjectNode().put("id", id).put("name", name).put("public_name", name)
                .put("picture", "https://assets.hospitable.com/property_images/" + id + ".jpg");
        ObjectNode a = p.putObject("address").put("number", "32").put("street", "Senefelderplatz").put("city", "Berlin").put("state", "")
                .put("country", "DE").put("postcode", "10405");
        a.putObject("coordinates").put("latitude", 52.5304).put("longitude", 13.4124);
        a.put("display", "32 Senefelderplatz, 10405 Berlin, DE");
        p.put("timezone", "+0100").put("listed", true);
        return p;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        return render(thread, message, message.fromGuest() ? "platform" : "hospitable", null, List.of());
    }

    private ObjectNode render(SimThread thread, NewMessage message, String source, String sentReference, List<String> images) {
        ObjectNode r = thread.record;
        boolean guest = message.fromGuest();
        ObjectNode m = Json.MAPPER.createObjectNode().put("id", nextId++).put("platform", r.path("platform").asText())
                .put("platform_id", "public_api".equals(source) ? 0 : nextId - 3680000) // channel id; 0 until delivered
                .put("conversation_id", r.path("conversation_id").asText()).put("reservation_id", thread.id)
                .put("content_type", "text/plain").put("body", message.body());
        ArrayNode att = m.putArray("attachments");
        images.forEach(u -> att.addObject().put("type", "image").put("url", u));
        m.putArray("reactions");
        m.put("sender_type", guest ? "guest" : "host");
        if (guest) {
            JsonNode g = r.path("guest");
            m.putNull("sender_role");
            m.putObject("sender").put("first_name", g.path("first_name").asText(null))
                    .put("full_name", (g.path("first_name").asText("") + " " + g.path("last_name").asText("")).trim())
                    .put("locale", g.path("language").asText("en")).put("picture_url", g.path("profile_picture").asText(null))
                    .put("thumbnail_url", g.path("profile_picture").asText(null)).put("location", g.path("location").asText(null));
            m.putNull("user");
        } else {
            m.put("sender_role", "host");
            m.putObject("sender").put("first_name", "Jane").put("full_name", "Jane Doe").put("locale", "en")
                    .put("picture_url", "https://assets.hospitable.com/users/jane.jpg").put("thumbnail_url", "https://assets.hospitable.com/users/jane.jpg")
                    .putNull("location");
            m.putObject("user").put("id", "497f6eca-6276-4993-bfeb-53cbbbba6f08").put("email", "jane.doe@host.example").put("name", "Jane Doe");
        }
        m.put("created_at", local(message.at(), UTC, Z)).put("source", source).putNull("integration").put("sent_reference_id", sentReference);
        thread.messages.add(m);
        r.put("last_message_at", local(message.at(), UTC, "yyyy-MM-dd'T'HH:mm:ss") + "-00:00");
        return m;
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        Admission admission = bearer(ex, tokens, error(401, "Unauthenticated.", null));
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        String[] p = ex.path().split("/");
        if (p.length < 3 || !p[1].equals("v2")) {
            return error(404, "Not Found", null);
        }
        boolean get = ex.method().equals("GET");
        if (p.length == 3 && p[2].equals("properties") && get) {
            Map<String, ObjectNode> props = new LinkedHashMap<>();
            account.threads.forEach(t -> t.record.path("properties").forEach(x -> props.putIfAbsent(x.path("id").asText(), (ObjectNode) x)));
            return paged(ex, "properties", new ArrayList<>(props.values()));
        }
        if (!p[2].equals("reservations")) {
            return error(404, "Not Found", null);
        }
        if (p.length == 3 && get) {
            return list(ex, account);
        }
        SimThread thread = p.length >= 4 ? account.thread(p[3]) : null;
        if (thread == null) {
            return error(404, "Not Found", null);
        }
        if (p.length == 4 && get) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.set("data", view(thread.record, ex.query()));
            return SimResponse.json(200, o.toString());
        }
        if (p.length == 5 && p[4].equals("messages") && get) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.putArray("data").addAll(thread.messages);
            return SimResponse.json(200, o.toString());
        }
        if (p.length == 5 && p[4].equals("messages") && ex.method().equals("POST")) {
            return send(ex, account, thread);
        }
        return error(p.length <= 5 ? 405 : 404, p.length <= 5 ? "Method Not Allowed" : "Not Found", null);
    }

    /** POST /v2/reservations/{uuid}/messages {body, images?, sender_id?}: 202 {data: {sent_reference_id}}. */
    private SimResponse send(SimExchange ex, SimAccount account, SimThread thread) {
        JsonNode req = readJson(ex.body());
        if (req == null || !req.path("body").isTextual() || req.path("body").asText().isBlank()) {
            return error(400, "The body field is required.", "body");
        }
        JsonNode images = req.path("images");
        List<String> urls = new ArrayList<>();
        if (!images.isMissingNode() && !images.isNull()) {
            if (!images.isArray() || images.size() > 3) {
                return error(422, "The images field must not have more than 3 items.", "images");
            }
            for (JsonNode u : images) {
                if (!u.isTextual() || !u.asText().matches("https?://.+")) {
                    return error(422, "The images must be valid URLs.", "images");
                }
                urls.add(u.asText());
            }
        }
        if (req.hasNonNull("sender_id") && !"airbnb".equals(thread.record.path("platform").asText())) {
            return error(422, "The sender_id field is only supported for Airbnb reservations.", "sender_id");
        }
        String reference = UUID.randomUUID().toString();
        ObjectNode m = render(thread, new NewMessage(req.path("body").asText(), false, Instant.now()), "public_api", reference, urls);
        sent(ex, account, thread, req, m);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putObject("data").put("sent_reference_id", reference);
        return SimResponse.json(202, o.toString());
    }

    private SimResponse list(SimExchange ex, SimAccount account) {
        Map<String, String> q = ex.query();
        Set<String> props = new java.util.HashSet<>();
        q.forEach((k, v) -> {
            if (k.startsWith("properties[") && !v.isBlank()) {
                props.add(v);
            }
        });
        if (props.isEmpty()) {
            return error(400, "The properties field is required.", "properties");
        }
        String mode = q.getOrDefault("date_query", "checkin");
        if (!mode.equals("checkin") && !mode.equals("checkout")) {
            return error(400, "The selected date query is invalid.", "date_query");
        }
        LocalDate from;
        LocalDate to;
        try {
            from = q.containsKey("start_date") ? LocalDate.parse(q.get("start_date")) : null;
            to = q.containsKey("end_date") ? LocalDate.parse(q.get("end_date")) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return error(400, "The start date and end date must be valid dates (Y-m-d).", "start_date");
        }
        String field = mode.equals("checkin") ? "arrival_date" : "departure_date";
        List<ObjectNode> all = account.threads.stream().map(t -> t.record)
                .filter(r -> props.contains(r.path("properties").path(0).path("id").asText()))
                .filter(r -> {
                    String d = r.path(field).asText().substring(0, 10);
                    return (from == null || d.compareTo(from.toString()) >= 0) && (to == null || d.compareTo(to.toString()) <= 0);
                })
                .sorted(Comparator.comparing((ObjectNode r) -> r.path("arrival_date").asText()).thenComparing(r -> r.path("id").asText()))
                .map(r -> view(r, q)).toList();
        return paged(ex, "reservations", all);
    }

    /** The reservation as served: {@code guest} and {@code properties} only when included. */
    private static ObjectNode view(ObjectNode record, Map<String, String> q) {
        Set<String> include = Set.of(q.getOrDefault("include", "").replace(" ", "").split(","));
        ObjectNode r = record.deepCopy();
        if (!include.contains("guest")) {
            r.remove("guest");
        } else if (!r.has("guest")) {
            r.putNull("guest");
        }
        if (!include.contains("properties")) {
            r.remove("properties");
        }
        return r;
    }

    /** Laravel paginator envelope {data, links{first,last,prev,next}, meta{current_page,from,last_page,links,path,per_page,to,total}}. */
    private SimResponse paged(SimExchange ex, String resource, List<ObjectNode> all) {
        int page = intParam(ex.query(), "page", 1);
        int perPage = intParam(ex.query(), "per_page", 10);
        if (page < 1 || perPage < 1 || perPage > 100) {
            return error(400, "Invalid pagination parameter supplied.", null);
        }
        String path = "http://" + (ex.header("Host") == null ? "127.0.0.1" : ex.header("Host")) + "/hospitable/v2/" + resource;
        int last = Math.max(1, (all.size() + perPage - 1) / perPage);
        int from = (page - 1) * perPage;
        return SimResponse.json(200, page(all, from, perPage, arr -> {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.set("data", arr);
            ObjectNode links = o.putObject("links").put("first", path + "?page=1").put("last", path + "?page=" + last);
            links.put("prev", page > 1 ? path + "?page=" + (page - 1) : null).put("next", page < last ? path + "?page=" + (page + 1) : null);
            ObjectNode meta = o.putObject("meta").put("current_page", page);
            if (arr.isEmpty()) {
                meta.putNull("from");
            } else {
                meta.put("from", from + 1);
            }
            meta.put("last_page", last);
            ArrayNode ml = meta.putArray("links");
            ml.addObject().put("url", page > 1 ? path + "?page=" + (page - 1) : null).put("label", "&laquo; Previous").put("active", false);
            for (int i = 1; i <= last; i++) {
                ml.addObject().put("url", path + "?page=" + i).put("label", Integer.toString(i)).put("active", i == page);
            }
            ml.addObject().put("url", page < last ? path + "?page=" + (page + 1) : null).put("label", "Next &raquo;").put("active", false);
            meta.put("path", path).put("per_page", perPage);
            if (arr.isEmpty()) {
                meta.putNull("to");
            } else {
                meta.put("to", from + arr.size());
            }
            meta.put("total", all.size());
            return o;
        }));
    }

    private static SimResponse error(int status, String reason, String field) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("status_code", status).put("reason_phrase", reason);
        if (field != null) {
            o.putObject("errors").putArray(field).add(reason);
        }
        return SimResponse.json(status, o.toString());
    }

    /** {id, action: message.created, data: Message, created, version: v2}; header Signature = hex HMAC-SHA256(body). */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", UUID.randomUUID().toString()).put("action", "message.created");
        body.set("data", message);
        body.put("created", local(now, UTC, Z)).put("version", "v2");
        String text = body.toString();
        return new WebhookCall(text, Map.of("Signature", LodgifySim.hmacHex(secrets.get("webhookSecret"), text)), Map.of());
    }
}
