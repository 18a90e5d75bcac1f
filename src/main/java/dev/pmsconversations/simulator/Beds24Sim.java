package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Beds24 API V2 (beds24.com/api/v2, spec apiV2.yaml as generated in github.com/LionLai/beds24V2-SDK
 * src/generated/beds24.ts; wiki.beds24.com API_V2.0; notes docs/research/beds24.md). Base {@code /beds24/v2}.
 * <ul>
 * <li>GET /authentication/token, header {@code refreshToken} → {@code {token, expiresIn: 86400}}; other calls carry
 * header {@code token}. Errors are the spec's UnsuccessfulApiResponse {@code {success:false, type:"error", code, error}}.</li>
 * <li>GET /bookings → {@code {success, type:"booking", count, pages:{nextPageExists, nextPageLink}, data}}, 100 a page
 * (forum D8: count 100 + nextPageLink https://api.beds24.com/v2/bookings?page=2).</li>
 * <li>GET /bookings/messages → same envelope, {@code type:"message"}; POST /bookings/messages takes an array of
 * hostMessage and answers 201 with one multiplePostResponse per item, in order.</li>
 * <li>There is no thread resource: the booking is the conversation.</li>
 * </ul>
 * Decisions where the docs are silent:
 * <ul>
 * <li>Bad refresh token → 400 (the spec lists only 400 there); missing/unknown/expired {@code token} → 401 (clients
 * C4b treat 401/403 as auth failures), body {@code {success:false,type:"error",code:401,error:"Token is missing or invalid"}}.</li>
 * <li>Times are UTC {@code yyyy-MM-ddTHH:mm:ssZ} (bookingTime/modifiedTime in D8 and real V2 webhooks); message
 * {@code time} uses the same format (spec only says date-time). modifiedFrom/To, bookingTimeFrom/To are compared
 * as UTC, inclusive; arrival/departure/"today" as UTC dates.</li>
 * <li>Adding a message does NOT change the booking's modifiedTime (spec: only availability-affecting changes count
 * as booking changes for webhooks; unknown for modifiedTime) — poll GET /bookings/messages?maxAge= for new messages.</li>
 * <li>Without any selecting filter GET /bookings returns only upcoming bookings (departure &ge; today); status
 * defaults to all but cancelled (spec).</li>
 * <li>Messages are listed newest first (time, then id), 100 a page. {@code read}: false for new guest/system
 * messages, null for host messages and internal notes (filter=read/unread match only true/false); {@code authorOwnerId}
 * only on host/internalNote messages. Bookings are served as with scopes bookings + bookings-personal (no price
 * fields: those need bookings-financial, D8).</li>
 * <li>POST answers {@code new: {id}} with the created message id (wiki: "new" carries created IDs); mark-read items
 * {@code {id, read}} answer {@code modified: {id, read}}. Sending needs an OTA booking (wiki, via C1): a booking with
 * channel direct/bookingpage or empty gets an item error.</li>
 * <li>Array query parameters: the simulator's query map keeps only the last value of a repeated name.</li>
 * <li>Webhook: the V2 booking webhook body {@code {timeStamp, booking, infoItems, invoiceItems, messages, retries}}
 * (spec "Webhooks - bookings", version twoWithPersonalData), messages = every message of the booking; auth = a custom
 * header (property setting webhooks.customHeader) {@code X-Webhook-Token: <webhookToken>}; no signature exists.
 * The simulator fires it for host messages too (Beds24 documents it for guest messages from an OTA).</li>
 * </ul>
 */
final class Beds24Sim extends SimSource {
    static final String WEBHOOK_HEADER = "X-Webhook-Token";
    private static final String TIME = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private static final int PAGE = 100;
    private static final long TOKEN_SECONDS = 86400;
    private final Map<String, Object[]> tokens = new ConcurrentHashMap<>(); // token -> {accountId, expiry}
    private long nextId = 180000000;

    Beds24Sim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "beds24";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("refreshToken", "beds24-refresh-" + id));
    }


    private static long ownerId(SimAccount account) {
        return 10000 + Math.floorMod(account.id.hashCode(), 90000);
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int i = 0; i < threads; i++) {
            String[] name = guestName(i + 5).split(" ");
            String booked = local(t0.minusSeconds(86400L * (i + 1)), ZoneOffset.UTC, TIME);
            ObjectNode b = Json.MAPPER.createObjectNode().put("id", 48000000 + Math.floorMod(accountId.hashCode(), 1000) * 1000L + i);
            b.putNull("masterId");
            b.put("propertyId", 14123).put("roomId", 316120 + i % 3).put("unitId", 1).put("roomQty", 1).put("offerId", 1)
                    .put("status", "confirmed").put("subStatus", "none")
                    .put("arrival", today.plusDays(i + 1).toString()).put("departure", today.plusDays(i + 4).toString())
                    .put("numAdult", 2).put("numChild", 0).put("title", "").put("firstName", name[0]).put("lastName", name[1])
                    .put("email", name[0].toLowerCase() + "." + name[1].toLowerCase() + "@guest.airbnb.com")
                    .put("phone", "+49 30 5550" + (100 + i)).put("mobile", "").put("fax", "").put("company", "")
                    .put("address", "").put("city", "").put("state", "").put("postcode", "").put("country", "de").put("country2", "DE")
                    .put("arrivalTime", "").put("voucher", "").put("comments", "").put("notes", "").put("message", "").put("groupNote", "")
                    .put("flagColor", "").put("flagText", "").put("statusCode", 0).put("lang", "en")
                    .put("referer", "Airbnb").put("refererEditable", "Airbnb").put("reference", "").put("channel", "airbnb")
                    .put("apiSourceId", 46).put("apiSource", "Airbnb").put("apiReference", "HM" + (4711000 + i))
                    .put("allowChannelUpdate", "all").put("allowAutoAction", "enable").put("allowReview", "default");
            b.putNull("invoiceeId");
            b.put("bookingTime", booked).put("modifiedTime", booked).putNull("cancelTime");
            SimThread thread = new SimThread(b.path("id").asText(), b);
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 0);
        }
        return account;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        return render(account, thread, message.body(), message.fromGuest() ? "guest" : "host", message.at());
    }

    private ObjectNode render(SimAccount account, SimThread thread, String text, String source, Instant at) {
        ObjectNode b = thread.record;
        boolean byHost = source.equals("host") || source.equals("internalNote");
        ObjectNode m = Json.MAPPER.createObjectNode().put("id", nextId++).put("bookingId", b.path("id").asLong())
                .put("roomId", b.path("roomId").asLong()).put("propertyId", b.path("propertyId").asLong())
                .put("time", local(at, ZoneOffset.UTC, TIME));
        if (byHost) {
            m.putNull("read");
        } else {
            m.put("read", false);
        }
        m.put("message", text).put("source", source).putNull("attachment").putNull("attachmentName").putNull("attachmentMimeType");
        if (byHost) {
            m.put("authorOwnerId", ownerId(account));
        }
        thread.messages.add(m);
        return m;
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        String path = ex.path();
        if (path.equals("/v2/authentication/token") && ex.method().equals("GET")) {
            String refresh = ex.header("refreshToken");
            SimAccount a = refresh == null ? null : accounts.values().stream()
                    .filter(x -> refresh.equals(x.credentials.get("refreshToken"))).findFirst().orElse(null);
            if (a == null) {
                return fail(400, "Invalid refresh token");
            }
            Admission admission = admit(ex, a.id);
            if (admission.refusal() != null) {
                return admission.refusal();
            }
            String token = UUID.randomUUID().toString().replace("-", "") + "beds24";
            tokens.put(token, new Object[] {a.id, Instant.now().plusSeconds(TOKEN_SECONDS)});
            return SimResponse.json(200, Json.MAPPER.createObjectNode().put("token", token).put("expiresIn", TOKEN_SECONDS).toString());
        }
        Object[] t = ex.header("token") == null ? null : tokens.get(ex.header("token"));
        if (t == null || Instant.now().isAfter((Instant) t[1])) {
            return fail(401, "Token is missing or invalid");
        }
        Admission admission = admit(ex, (String) t[0]);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        Map<String, String> q = ex.query();
        int page = Math.max(1, intParam(q, "page", 1));
        if (path.equals("/v2/bookings") && ex.method().equals("GET")) {
            List<ObjectNode> all = account.threads.stream().map(x -> x.record).filter(bookingFilter(q))
                    .sorted(Comparator.comparingLong((ObjectNode b) -> b.path("id").asLong())).toList();
            return SimResponse.json(200, envelope(ex, "booking", all, page));
        }
        if (path.equals("/v2/bookings/messages") && ex.method().equals("GET")) {
            String source = q.get("source");
            String filter = q.get("filter");
            if ((source != null && !Set.of("host", "guest", "internalNote", "system").contains(source))
                    || (filter != null && !Set.of("read", "unread").contains(filter))) {
                return fail(400, "Invalid value for " + (source != null ? "source" : "filter"));
            }
            String since = q.containsKey("maxAge")
                    ? local(Instant.now().minusSeconds(86400L * intParam(q, "maxAge", 0)), ZoneOffset.UTC, TIME) : null;
            List<ObjectNode> all = account.threads.stream().flatMap(x -> x.messages.stream())
                    .filter(m -> eq(q, "id", m) && eq(q, "bookingId", m) && eq(q, "propertyId", m) && eq(q, "roomId", m))
                    .filter(m -> source == null || source.equals(m.path("source").asText()))
                    .filter(m -> filter == null || (m.path("read").isBoolean() && filter.equals("read") == m.path("read").asBoolean()))
                    .filter(m -> since == null || m.path("time").asText().compareTo(since) >= 0)
                    .sorted(Comparator.comparing((ObjectNode m) -> m.path("time").asText())
                            .thenComparingLong(m -> m.path("id").asLong()).reversed()).toList();
            return SimResponse.json(200, envelope(ex, "message", all, page));
        }
        if (path.equals("/v2/bookings/messages") && ex.method().equals("POST")) {
            JsonNode req = readJson(ex.body());
            if (req == null || !req.isArray()) {
                return fail(400, "Request body must be a JSON array");
            }
            ArrayNode out = Json.MAPPER.createArrayNode();
            req.forEach(item -> out.add(postItem(ex, account, item)));
            return SimResponse.json(201, out.toString());
        }
        return fail(404, "Not found");
    }

    /** One hostMessage of a POST: a send ({bookingId, message[, source, attachment...]}) or a mark-read ({id, read}). */
    private ObjectNode postItem(SimExchange ex, SimAccount account, JsonNode item) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        if (item.has("id") && !item.has("message")) {
            ObjectNode m = account.threads.stream().flatMap(x -> x.messages.stream())
                    .filter(x -> x.path("id").asText().equals(item.path("id").asText())).findFirst().orElse(null);
            if (m == null || !item.path("read").isBoolean()) {
                return itemError(r, "modify", m == null ? "id" : "read", m == null ? "message not found" : "read must be true or false");
            }
            m.put("read", item.path("read").asBoolean());
            r.put("success", true).set("modified", Json.MAPPER.createObjectNode().put("id", m.path("id").asLong()).put("read", m.path("read").asBoolean()));
            return r;
        }
        SimThread thread = account.thread(item.path("bookingId").asText(""));
        String source = item.path("source").asText("host");
        String text = item.path("message").asText("");
        String mime = item.path("attachmentMimeType").asText(null);
        String channel = thread == null ? "" : thread.record.path("channel").asText("");
        if (thread == null) {
            return itemError(r, "new", "bookingId", "booking not found");
        } else if (channel.isEmpty() || channel.equals("direct") || channel.equals("bookingpage")) {
            return itemError(r, "new", "bookingId", "messages can only be sent for OTA bookings");
        } else if (!source.equals("host") && !source.equals("internalNote")) {
            return itemError(r, "new", "source", "source must be host or internalNote");
        } else if (text.isBlank() && !item.path("attachment").isTextual()) {
            return itemError(r, "new", "message", "message is required");
        } else if (mime != null && !Set.of("image/jpeg", "image/png", "image/gif", "application/pdf").contains(mime)) {
            return itemError(r, "new", "attachmentMimeType", "unsupported mime type");
        }
        ObjectNode m = render(account, thread, text, source, Instant.now());
        for (String f : List.of("attachment", "attachmentName", "attachmentMimeType")) {
            if (item.path(f).isTextual()) {
                m.put(f, item.path(f).asText());
            }
        }
        sent(ex, account, thread, item, m);
        r.put("success", true).set("new", Json.MAPPER.createObjectNode().put("id", m.path("id").asLong()));
        return r;
    }

    private static ObjectNode itemError(ObjectNode r, String action, String field, String message) {
        r.put("success", false).putArray("errors").addObject().put("action", action).put("field", field).put("message", message);
        return r;
    }

    /** The spec's query filters of GET /bookings; with none of the selecting ones only upcoming bookings. */
    private static Predicate<ObjectNode> bookingFilter(Map<String, String> q) {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        boolean selecting = q.keySet().stream().anyMatch(k -> Set.of("id", "masterId", "apiReference", "arrival", "arrivalFrom",
                "arrivalTo", "departure", "departureFrom", "departureTo", "bookingTimeFrom", "bookingTimeTo", "modifiedFrom",
                "modifiedTo", "filter", "searchString").contains(k));
        String filter = q.getOrDefault("filter", "");
        String dayAgo = local(Instant.now().minusSeconds(86400), ZoneOffset.UTC, TIME);
        return b -> (selecting || b.path("departure").asText().compareTo(today) >= 0)
                && (q.containsKey("status") ? q.get("status").equals(b.path("status").asText()) : !"cancelled".equals(b.path("status").asText()))
                && eq(q, "id", b) && eq(q, "propertyId", b) && eq(q, "roomId", b) && eq(q, "masterId", b) && eq(q, "apiReference", b)
                && eq(q, "channel", b) && eq(q, "arrival", b) && eq(q, "departure", b)
                && range(q, "arrival", b.path("arrival").asText()) && range(q, "departure", b.path("departure").asText())
                && range(q, "bookingTime", b.path("bookingTime").asText()) && range(q, "modified", b.path("modifiedTime").asText())
                && switch (filter) {
                    case "arrivals" -> b.path("arrival").asText().equals(today);
                    case "departures" -> b.path("departure").asText().equals(today);
                    case "new" -> b.path("bookingTime").asText().compareTo(dayAgo) >= 0;
                    case "current" -> b.path("arrival").asText().compareTo(today) <= 0 && b.path("departure").asText().compareTo(today) >= 0;
                    default -> true;
                }
                && (!q.containsKey("searchString") || (b.path("firstName").asText() + " " + b.path("lastName").asText() + " "
                + b.path("email").asText() + " " + b.path("apiReference").asText() + " " + b.path("id").asText())
                .toLowerCase().contains(q.get("searchString").toLowerCase()));
    }

    private static boolean eq(Map<String, String> q, String name, JsonNode o) {
        return !q.containsKey(name) || q.get(name).equals(o.path(name).asText());
    }

    /** {@code <prefix>From} / {@code <prefix>To}, inclusive; values compared without a trailing Z (UTC). */
    private static boolean range(Map<String, String> q, String prefix, String value) {
        String v = value.replace("Z", "");
        String from = q.get(prefix + "From");
        String to = q.get(prefix + "To");
        return (from == null || v.compareTo(from.replace("Z", "")) >= 0) && (to == null || v.compareTo(to.replace("Z", "")) <= 0);
    }

    private static String envelope(SimExchange ex, String type, List<ObjectNode> all, int page) {
        return page(all, (page - 1) * PAGE, PAGE, arr -> {
            boolean more = page * PAGE < all.size();
            ObjectNode o = Json.MAPPER.createObjectNode().put("success", true).put("type", type).put("count", arr.size());
            ObjectNode pages = o.putObject("pages").put("nextPageExists", more);
            if (more) {
                Map<String, String> next = new LinkedHashMap<>(ex.query());
                next.put("page", Integer.toString(page + 1));
                pages.put("nextPageLink", "http://127.0.0.1:" + ex.simulator().port() + "/beds24" + ex.path() + "?"
                        + dev.pmsconversations.source.PmsHttp.encode(next));
            } else {
                pages.putNull("nextPageLink");
            }
            o.set("data", arr);
            return o;
        });
    }

    private static SimResponse fail(int code, String error) {
        return SimResponse.json(code, Json.MAPPER.createObjectNode().put("success", false).put("type", "error")
                .put("code", code).put("error", error).toString());
    }

    /** V2 booking webhook (twoWithPersonalData) with the booking's messages; auth: custom header X-Webhook-Token. */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("timeStamp", local(now, ZoneOffset.UTC, TIME));
        body.set("booking", thread.record.deepCopy());
        body.putArray("infoItems");
        body.putArray("invoiceItems");
        ArrayNode msgs = body.putArray("messages");
        thread.messages.forEach(msgs::add);
        body.put("retries", 0);
        return new WebhookCall(body.toString(), Map.of(WEBHOOK_HEADER, secrets.get("webhookToken")), Map.of());
    }
}
