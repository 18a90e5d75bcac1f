package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.PmsHttp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OwnerRez API v2 ({@code https://api.ownerrez.com}; research notes docs/research/ownerrez.md). OAuth access token
 * as {@code Authorization: Bearer}, plus a required {@code User-Agent} (401 user_agent_required, api-errors S5).
 * Errors are S5's {@code {messages, code, doc_url, status, status_code}}; a 429 is S4's {@code {"code":429,"error":"Rate limit exceeded."}}.
 * <ul>
 * <li>GET /v2/bookings?since_utc=&from=&to=&status=&property_ids=&include_guest=&limit=&offset= and GET /v2/bookings/{id}:
 *     {@code {items, limit, offset, next_page_url}} (limit default 20, max 100; next_page_url null on the last page).
 *     A booking carries {@code thread_ids}; several threads may share one booking (a SimThread per thread id, whose
 *     record is the shared booking).</li>
 * <li>GET /v2/messages?threadId=&include_drafts=&limit=&offset=: {@code {items, limit, offset, thread, guest, next_page_url}}
 *     (C3 fixture; items carry thread_id). GET /v2/messages/{id}: the message without thread_id but with the nested
 *     {@code thread {id, booking_id, property_id, quote_id, channel, type}} (C1, live-checked).</li>
 * <li>POST /v2/messages {@code {"thread_id": int, "body": text[, "attachment_url"]}} (C1, C5): 200 with the created
 *     message in the GET /v2/messages/{id} shape (C1 reads id and date_utc from it).</li>
 * <li>GET /v2/guests/{id}: GuestModel {id, first_name, last_name, email_addresses[], phones[], addresses[]} (C1),
 *     served from {@code related.guest_profile} (else built from the thread's guest).</li>
 * <li>Webhook: {@code {id, user_id, action: entity_create, entity_type: thread_message, entity_id, categories, entity}}
 *     with entity = GET /v2/messages/{id} (C1, C2, C6), HTTP Basic webhookUser:webhookPassword (S2).</li>
 * </ul>
 * Decisions where the docs are silent: times are UTC "yyyy-MM-ddTHH:mm:ssZ" (S9, C3); arrival/departure are dates;
 * since_utc compares created_utc or updated_utc; from = departure on/after, to = arrival on/before (S9 notes); a new
 * message changes neither the booking's updated_utc nor the thread object (S7 says new messages are found through
 * webhooks, no client shows a message touching the booking); messages are answered oldest first, bookings by id;
 * include_drafts defaults to true (C2/C3 pass include_drafts=false explicitly); no attachment objects (shape unknown);
 * a guest message's from_contact_id is the guest id, the host's is the account's owner contact; the embedded
 * include_guest object is {id, first_name, last_name} like the messages answer's guest; thread type is "channel"
 * with channel airbnb/vrbo/bookingcom for OTA threads and "email" with channel null for the booking's extra thread;
 * a Basic (PAT) or unknown token is 401 invalid_token; 404 is code not_found, a bad request 400 validation_error;
 * the send answers 200 (any 2xx is what clients check). The simulator's Retry-After header on 429 is kept.
 */
public final class OwnerRezSim extends SimSource {
    private static final String TIME = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private static final String DOCS = "https://www.ownerrez.com/support/articles/api-errors#";
    private static final long OWNER_CONTACT = 610000001L;
    private static final String[] SITES = {"Airbnb", "Vrbo", "Booking.com", null};
    private static final String[] CHANNELS = {"airbnb", "vrbo", "bookingcom", null};
    private long nextMessageId = 97000000;
    private long nextWebhookId = 880000;

    OwnerRezSim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "ownerrez";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("accessToken", "or_at_" + id + "_" + Integer.toHexString(id.hashCode())));
    }

    @Override
    protected String threadId(ObjectNode record) {
        return record.path("thread_id").asText();
    }

    /** The fixture conversation is a listed booking plus "thread_id"; threads of one booking share its record. */
    @Override
    public SimThread load(String accountId, JsonNode bundle) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        ObjectNode conv = bundle.get("conversation").deepCopy();
        long threadId = conv.remove("thread_id").asLong();
        ObjectNode record = account.threads.stream().map(t -> t.record)
                .filter(b -> b.path("id").asLong() == conv.path("id").asLong()).findFirst().orElse(conv);
        addThreadId(record, threadId);
        SimThread thread = new SimThread(Long.toString(threadId), record);
        bundle.path("messages").forEach(m -> thread.messages.add((ObjectNode) m.deepCopy()));
        bundle.path("related").fields().forEachRemaining(e -> thread.related.put(e.getKey(), (ObjectNode) e.getValue().deepCopy()));
        // the connector's names: "answer" = the messages answer without items (thread, guest), "profile" = GET /v2/guests/{id}
        ObjectNode answer = thread.related.remove("answer");
        if (answer != null) {
            thread.related.put("thread", (ObjectNode) answer.get("thread").deepCopy());
            thread.related.put("guest", (ObjectNode) answer.get("guest").deepCopy());
        }
        ObjectNode profile = thread.related.remove("profile");
        if (profile != null) {
            thread.related.put("guest_profile", profile);
        }
        thread.related.computeIfAbsent("thread", k -> threadObject(threadId, record, "channel", "airbnb"));
        thread.related.computeIfAbsent("guest", k -> record.path("guest").isObject() ? record.get("guest").deepCopy()
                : Json.MAPPER.createObjectNode().put("id", record.path("guest_id").asLong()));
        account.threads.add(thread);
        return thread;
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        ObjectNode booking = null;
        int b = -1;
        for (int i = 0; i < threads; i++) {
            boolean second = i % 3 == 1; // every first booking of three gets a second (email) thread
            if (!second) {
                b++;
                String[] name = guestName(b).split(" ");
                int s = b % SITES.length;
                LocalDate arrival = today.plusDays(b % 5 == 0 ? -1 : 3 + b);
                booking = Json.MAPPER.createObjectNode().put("id", 52000001L + b).put("property_id", 480101 + b % 3)
                        .put("guest_id", 730000001L + b).put("arrival", arrival.toString())
                        .put("departure", arrival.plusDays(3 + b % 4).toString()).put("status", "active").put("type", "booking")
                        .put("is_block", false).put("listing_site", SITES[s]).put("adults", 2).put("children", b % 2)
                        .put("total_amount", 640.0 + 15 * b).put("total_host_fees", 19.2 + b)
                        .put("created_utc", local(t0.minusSeconds(86400L * (b + 3)), ZoneOffset.UTC, TIME))
                        .put("updated_utc", local(t0.minusSeconds(86400L * (b + 1)), ZoneOffset.UTC, TIME));
                booking.putArray("thread_ids");
                booking.putObject("guest").put("id", 730000001L + b).put("first_name", name[0]).put("last_name", name[1]);
            }
            long threadId = 92000001L + i;
            addThreadId(booking, threadId);
            SimThread thread = new SimThread(Long.toString(threadId), booking);
            int s = b % SITES.length;
            thread.related.put("thread", second || CHANNELS[s] == null ? threadObject(threadId, booking, "email", null)
                    : threadObject(threadId, booking, "channel", CHANNELS[s]));
            ObjectNode guest = booking.get("guest").deepCopy();
            thread.related.put("guest", guest);
            ObjectNode profile = guest.deepCopy();
            String email = (guest.path("first_name").asText() + "." + guest.path("last_name").asText()).toLowerCase() + "@guest.example";
            profile.putArray("email_addresses").addObject().put("address", email).put("is_default", true);
            profile.putArray("phones").addObject().put("number", "+1 561 555 0" + (100 + b)).put("is_default", true);
            profile.putArray("addresses").addObject().put("city", "Austin").put("state", "TX").put("country", "US").put("is_default", true);
            thread.related.put("guest_profile", profile);
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 0);
        }
        return account;
    }

    private static void addThreadId(ObjectNode booking, long threadId) {
        ArrayNode ids = booking.withArray("thread_ids");
        for (JsonNode id : ids) {
            if (id.asLong() == threadId) {
                return;
            }
        }
        ids.add(threadId);
    }

    private static ObjectNode threadObject(long threadId, ObjectNode booking, String type, String channel) {
        ObjectNode t = Json.MAPPER.createObjectNode().put("id", threadId).put("booking_id", booking.path("id").asLong())
                .put("property_id", booking.path("property_id").asLong()).putNull("quote_id").put("type", type);
        return channel == null ? t.putNull("channel") : t.put("channel", channel);
    }

    /** Appends a list item; OwnerRez keeps no activity marker on the booking or thread (see class doc). */
    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        ObjectNode m = Json.MAPPER.createObjectNode().put("id", nextMessageId++).put("thread_id", Long.parseLong(thread.id))
                .put("body", message.body()).put("date_utc", local(message.at(), ZoneOffset.UTC, TIME))
                .put("from_contact_id", message.fromGuest() ? thread.record.path("guest_id").asLong() : OWNER_CONTACT)
                .put("from_role", message.fromGuest() ? "guest" : "owner").put("is_draft", false);
        thread.messages.add(m);
        return m;
    }

    /** A message as GET /v2/messages/{id} (and the webhook entity) shows it: nested thread, no thread_id. */
    private static ObjectNode single(SimThread thread, ObjectNode item) {
        ObjectNode m = item.deepCopy();
        m.remove("thread_id");
        m.set("thread", thread.related.get("thread").deepCopy());
        return m;
    }

    /** Our OAuth application as registered with the simulated OwnerRez (client ids start with c_, secrets with s_: S2, C4). */
    public static final String APP_CLIENT_ID = "c_ownerrez-app-client";
    public static final String APP_CLIENT_SECRET = "s_ownerrez-app-secret-0123456789";
    private final SimConsent consentPage = new SimConsent("OwnerRez", APP_CLIENT_ID);

    /**
     * POST /oauth/access_token (client C4, research "OAuth app"): the app's id and secret as HTTP Basic, a form
     * {@code grant_type=authorization_code&code=…}; a redirect_uri in it is refused with 403 (C4's note); the answer holds
     * {@code access_token} and {@code user_id} [client]; token_type [assumed]. The token is the account's own here.
     */
    private SimResponse accessToken(SimExchange ex) {
        String basic = java.util.Base64.getEncoder().encodeToString((APP_CLIENT_ID + ":" + APP_CLIENT_SECRET).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (!ex.method().equals("POST")) {
            return error(405, "method_not_allowed", "method_not_allowed", "The requested resource does not support http method '" + ex.method() + "'.");
        }
        if (!("Basic " + basic).equals(ex.header("Authorization"))) {
            return error(401, "invalid_client", "unauthorized", "Client authentication failed.");
        }
        Map<String, String> form = PmsSimulator.parseForm(ex.body());
        if (form.containsKey("redirect_uri")) {
            return error(403, "invalid_request", "forbidden", "redirect_uri is not accepted here.");
        }
        String[] granted = "authorization_code".equals(form.get("grant_type")) ? consentPage.redeem(form.get("code")) : null;
        SimAccount a = granted == null ? null : accounts.get(granted[0]);
        if (a == null) {
            return error(400, "invalid_grant", "bad_request", "The authorization code is invalid, expired or used.");
        }
        ex.record(key(), a.id);
        return SimResponse.json(200, Json.MAPPER.createObjectNode().put("access_token", a.credentials.get("accessToken"))
                .put("token_type", "bearer").put("user_id", 400000L + Math.abs(a.id.hashCode() % 1000)).toString());
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        if (ex.path().equals("/oauth/authorize")) {
            return consentPage.handle(ex, accounts); // app.ownerrez.com's, here under the API's host
        }
        if (ex.path().equals("/oauth/access_token")) {
            return accessToken(ex);
        }
        String auth = ex.header("Authorization");
        if (auth == null || auth.isBlank()) {
            return error(401, "auth_required", "unauthorized", "No credentials were provided.");
        }
        SimAccount known = !auth.startsWith("Bearer ") ? null : accounts.values().stream()
                .filter(a -> a.credentials.get("accessToken").equals(auth.substring(7).trim())).findFirst().orElse(null);
        if (known == null) {
            return error(401, "invalid_token", "unauthorized", "The token is missing, expired, inactive, or otherwise invalid.");
        }
        String agent = ex.header("User-Agent");
        if (agent == null || agent.isBlank()) {
            return error(401, "user_agent_required", "unauthorized", "OAuth Bearer requests must include a User-Agent header.");
        }
        Admission admission = admit(ex, known.id);
        if (admission.refusal() != null) {
            SimResponse r = admission.refusal();
            return r.status() != 429 ? r
                    : new SimResponse(429, "application/json", "{\"code\":429,\"error\":\"Rate limit exceeded.\"}", r.headers());
        }
        SimAccount account = admission.account();
        String[] p = ex.path().split("/");
        if (p.length < 3 || !p[1].equals("v2")) {
            return notFound("No API endpoint at " + ex.path());
        }
        if (ex.method().equals("POST") && p.length == 3 && p[2].equals("messages")) {
            return send(ex, account);
        }
        if (!ex.method().equals("GET")) {
            return error(405, "method_not_allowed", "method_not_allowed", "The requested resource does not support http method '" + ex.method() + "'.");
        }
        boolean withGuest = "true".equalsIgnoreCase(ex.query().get("include_guest"));
        switch (p[2]) {
            case "bookings":
                if (p.length == 4) {
                    return bookings(account).stream().filter(b -> b.path("id").asText().equals(p[3])).findFirst()
                            .map(b -> SimResponse.json(200, booking(b, withGuest).toString())).orElse(notFound("Booking not found"));
                }
                return listBookings(ex, account, withGuest);
            case "messages":
                if (p.length == 4) {
                    for (SimThread t : account.threads) {
                        for (ObjectNode m : t.messages) {
                            if (m.path("id").asText().equals(p[3])) {
                                return SimResponse.json(200, single(t, m).toString());
                            }
                        }
                    }
                    return notFound("Message not found");
                }
                return listMessages(ex, account);
            case "guests":
                if (p.length == 4) {
                    for (SimThread t : account.threads) {
                        ObjectNode g = t.related.containsKey("guest_profile") ? t.related.get("guest_profile") : t.related.get("guest");
                        if (g != null && g.path("id").asText().equals(p[3])) {
                            return SimResponse.json(200, g.toString());
                        }
                    }
                }
                return notFound("Guest not found");
            default:
                return notFound("No API endpoint at " + ex.path());
        }
    }

    private SimResponse listBookings(SimExchange ex, SimAccount account, boolean withGuest) {
        Map<String, String> q = ex.query();
        Instant since;
        try {
            since = q.containsKey("since_utc") ? parseUtc(q.get("since_utc")) : null;
        } catch (RuntimeException e) {
            return error(400, "validation_error", "bad_request", "since_utc is not a valid date/time.");
        }
        String from = q.containsKey("from") ? prefix10(q.get("from")) : null;
        String to = q.containsKey("to") ? prefix10(q.get("to")) : null;
        String status = q.get("status");
        List<String> properties = q.containsKey("property_ids") ? List.of(q.get("property_ids").split(",")) : null;
        List<ObjectNode> all = bookings(account).stream()
                .filter(b -> since == null || !parseUtc(b.path("updated_utc").asText()).isBefore(since)
                        || !parseUtc(b.path("created_utc").asText()).isBefore(since))
                .filter(b -> from == null || b.path("departure").asText().compareTo(from) >= 0)
                .filter(b -> to == null || b.path("arrival").asText().compareTo(to) <= 0)
                .filter(b -> status == null || status.isBlank() || b.path("status").asText().equalsIgnoreCase(status))
                .filter(b -> properties == null || properties.contains(b.path("property_id").asText()))
                .sorted(Comparator.comparing((ObjectNode b) -> b.path("id").asLong()))
                .map(b -> booking(b, withGuest)).toList();
        return paged(ex, all, Json.MAPPER.createObjectNode());
    }

    private SimResponse listMessages(SimExchange ex, SimAccount account) {
        String threadId = ex.query().get("threadId");
        if (threadId == null || threadId.isBlank()) {
            return error(400, "validation_error", "bad_request", "threadId is required.");
        }
        SimThread thread = account.thread(threadId.trim());
        if (thread == null) {
            return notFound("Thread not found");
        }
        boolean drafts = !"false".equalsIgnoreCase(ex.query().get("include_drafts"));
        List<ObjectNode> msgs = thread.messages.stream().filter(m -> drafts || !m.path("is_draft").asBoolean(false))
                .sorted(Comparator.comparing((ObjectNode m) -> m.path("date_utc").asText()).thenComparing(m -> m.path("id").asLong()))
                .toList();
        ObjectNode extra = Json.MAPPER.createObjectNode();
        extra.set("thread", thread.related.get("thread"));
        extra.set("guest", thread.related.get("guest"));
        return paged(ex, msgs, extra);
    }

    /**
     * Test hook: the server answers at most this many items per page whatever {@code limit} asks (the OpenAPI declares
     * no limit parameter on some calls, default 20: a client must follow next_page_url, not the page size).
     */
    public void capPages(int items) {
        this.pageCap = items;
    }

    private volatile int pageCap = 100;

    /** {items, limit, offset, next_page_url, ...extra}; next_page_url repeats the query with the next offset. */
    private SimResponse paged(SimExchange ex, List<ObjectNode> all, ObjectNode extra) {
        int limit = Math.max(1, Math.min(pageCap, intParam(ex.query(), "limit", 20)));
        int offset = Math.max(0, intParam(ex.query(), "offset", 0));
        return SimResponse.json(200, page(all, offset, limit, arr -> {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.set("items", arr);
            o.put("limit", limit).put("offset", offset);
            o.setAll(extra);
            if (offset + limit < all.size()) {
                Map<String, String> next = new LinkedHashMap<>(ex.query());
                next.put("limit", Integer.toString(limit));
                next.put("offset", Integer.toString(offset + limit));
                String host = ex.header("Host") == null ? "127.0.0.1:" + ex.simulator().port() : ex.header("Host");
                o.put("next_page_url", "http://" + host + "/" + key() + ex.path() + "?" + PmsHttp.encode(next));
            } else {
                o.putNull("next_page_url");
            }
            return o;
        }));
    }

    private SimResponse send(SimExchange ex, SimAccount account) {
        JsonNode req = readJson(ex.body());
        if (req == null || !req.isObject()) {
            return error(400, "validation_error", "bad_request", "The request body must be a JSON object.");
        }
        JsonNode tid = req.path("thread_id");
        if (!(tid.isIntegralNumber() || tid.isTextual() && tid.asText().matches("\\d+"))) {
            return error(400, "validation_error", "bad_request", "thread_id is required.");
        }
        if (!req.path("body").isTextual() || req.path("body").asText().isBlank()) {
            return error(400, "validation_error", "bad_request", "body is required.");
        }
        SimThread thread = account.thread(tid.asText());
        if (thread == null) {
            return notFound("Thread not found");
        }
        ObjectNode item = addMessage(account, thread, new NewMessage(req.path("body").asText(), false, Instant.now()));
        ObjectNode created = single(thread, item);
        sent(ex, account, thread, req, created);
        return SimResponse.json(200, created.toString());
    }

    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode entity = message.has("thread") ? message.deepCopy() : single(thread, message);
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", nextWebhookId++).put("user_id", 410000 + Math.abs(account.id.hashCode() % 1000))
                .put("action", "entity_create").put("entity_type", "thread_message").put("entity_id", entity.path("id").asLong());
        body.putArray("categories");
        body.set("entity", entity);
        String basic = java.util.Base64.getEncoder().encodeToString((secrets.getOrDefault("webhookUser", "") + ":"
                + secrets.getOrDefault("webhookPassword", "")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new WebhookCall(body.toString(), Map.of("Authorization", "Basic " + basic), Map.of());
    }

    /** The distinct bookings of an account (threads of one booking share its record). */
    private static List<ObjectNode> bookings(SimAccount account) {
        List<ObjectNode> out = new ArrayList<>();
        for (SimThread t : account.threads) {
            if (out.stream().noneMatch(b -> b == t.record)) {
                out.add(t.record);
            }
        }
        return out;
    }

    private static ObjectNode booking(ObjectNode record, boolean withGuest) {
        ObjectNode b = record.deepCopy();
        if (!withGuest) {
            b.remove("guest");
        }
        return b;
    }

    private static String prefix10(String s) {
        return s.length() > 10 ? s.substring(0, 10) : s;
    }

    /** "2026-02-19T15:00:00Z", with an offset, without a zone (UTC) or a date alone. */
    private static Instant parseUtc(String s) {
        String v = s.trim();
        if (v.length() == 10) {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        if (v.endsWith("Z") || v.matches(".*[+-]\\d{2}:\\d{2}$")) {
            return java.time.OffsetDateTime.parse(v).toInstant();
        }
        return java.time.LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
    }

    private static SimResponse notFound(String message) {
        return error(404, "not_found", "not_found", message);
    }

    private static SimResponse error(int status, String code, String statusText, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putArray("messages").add(message);
        o.put("code", code).put("doc_url", DOCS + code).put("status", statusText).put("status_code", status);
        return SimResponse.json(status, o.toString());
    }
}
