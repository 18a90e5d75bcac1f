package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * RentalWise (One Mineral PMS) host API, THIN-DOC source: see docs/research/rentalwise.md. No public reference documents the
 * messaging API; the shapes come from the vendor's own generated SDK {@code @onemineral/pms-js-sdk} 0.2.12 (npm; "Rentalwise
 * Javascript SDK", author team@onemineral.com), files dist/esm/{axios-api-provider,response}.js/.d.ts and
 * generated/{thread,thread-message,message-provider,account,user,file,booking,webhook}.d.ts — tagged [client] below.
 * <ul>
 * <li>[client] RPC style: every call is {@code POST <base>/<resource>/<action>} with a JSON body, base
 * {@code https://<tenant>.rentalwise.io/rest/} (SDK README), here {@code /rentalwise/rest}. Token in
 * {@code Authorization: Bearer <personal access token>} (SDK tokenProvider; token made under Profile > API access, Calry guide).</li>
 * <li>[client] {@code thread/query}, {@code thread/fetch {id}}, {@code thread-message/query {thread}}, {@code thread-message/fetch {id}},
 * {@code thread-message/send {thread, provider, content, content_type?, subject?}}, {@code booking/fetch {id}}; query params
 * {@code paginate {page, perpage}}, {@code sort [{field, direction}]}, {@code where {conditions}}, {@code resource_type}, {@code resource_id}.
 * Query answers are Laravel pages {@code {data, current_page, last_page, per_page, from, to, total}}; fetch answers the bare
 * object (the SDK reads {@code .response.id}). Field names are the SDK's Thread / ThreadMessage / Booking / Account interfaces.</li>
 * <li>ASSUMED: condition operators other than {@code {field, in: [...]}} (seen in client code) — {@code gt/gte/lt/lte/eq} are
 * accepted; default perpage 15 (Laravel default); default order threads {@code last_message_at desc}, messages
 * {@code created_at desc}; timestamps Laravel's {@code 2025-01-10T08:00:00.000000Z}; message relations ({@code thread}) only
 * with {@code with: ["thread"]}; the send answer is the created ThreadMessage (the SDK types it {@code any}); send needs
 * {@code thread} (the SDK also allows {@code resource}); provider ids {@code airbnb/booking_com/email}; error bodies
 * Laravel's {@code {"message": ...}} (401 "Unauthenticated.", 422 {@code {message, errors}} — the SDK treats 422 as validation).</li>
 * <li>Webhook: [client] events {@code message-received}/{@code message-sent}, auth_method {@code basic_auth} (SDK Webhook);
 * [docs] Basic auth with username + webhooks password and notify-then-fetch id bodies (partners-api.rentalwise.com/docs/webhooks).
 * ASSUMED body {@code {"event", "thread", "thread_message"}}.</li>
 * </ul>
 */
final class RentalWiseSim extends SimSource {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final String[][] PROVIDERS = {{"airbnb", "Airbnb"}, {"booking_com", "Booking.com"}, {"email", "Email"}};
    private long nextId = 70000;

    RentalWiseSim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "rentalwise";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("apiToken", "3|rw-pat-" + id));
    }

    static String time(Instant at) {
        return TIME.format(at);
    }

    private static ObjectNode provider(String id) {
        for (String[] p : PROVIDERS) {
            if (p[0].equals(id)) {
                ObjectNode o = Json.MAPPER.createObjectNode().put("id", p[0]).put("icon_url", "https://app.rentalwise.io/img/providers/" + p[0] + ".svg")
                        .put("name", p[1]);
                o.putObject("abilities");
                return o;
            }
        }
        return provider("email");
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        for (int i = 0; i < threads; i++) {
            String name = guestName(i + 5);
            String[] parts = name.split(" ");
            String created = time(t0.minusSeconds(86400L * (i + 2)));
            ObjectNode guest = Json.MAPPER.createObjectNode().put("id", 9000 + i).put("first_name", parts[0]).put("last_name", parts[1])
                    .put("full_name", name).put("type", "guest").put("email", parts[0].toLowerCase() + "." + parts[1].toLowerCase() + "@guest.example")
                    .put("phone", "+61 400 555 " + (100 + i)).put("created_at", created).put("updated_at", created);
            ObjectNode property = Json.MAPPER.createObjectNode().put("id", 1 + i % 3).put("internal_name", "Unit " + (1 + i % 3));
            property.putObject("name").put("en", "Pasley St " + (1 + i % 3));
            String providerId = PROVIDERS[i % PROVIDERS.length][0];
            ObjectNode booking = Json.MAPPER.createObjectNode().put("id", 4500 + i).put("uuid", java.util.UUID.nameUUIDFromBytes(("rw-b" + i).getBytes()).toString())
                    .put("type", "guest").put("checkin", "2025-02-" + String.format("%02d", 1 + i % 20)).put("checkout", "2025-02-" + String.format("%02d", 5 + i % 20))
                    .put("adults", 2).put("children", 0).put("status", "confirmed").put("external_id", "HM" + (4000 + i))
                    .put("channel_external_id", "HM" + (4000 + i)).put("source_name", PROVIDERS[i % PROVIDERS.length][1])
                    .put("created_at", created).put("updated_at", created);
            booking.putObject("daterange").put("start", booking.path("checkin").asText()).put("end", booking.path("checkout").asText());
            booking.putObject("channel").put("id", 11 + i % 3).put("name", PROVIDERS[i % PROVIDERS.length][1]).put("provider", providerId);
            booking.set("property", property.deepCopy());
            ObjectNode t = thread(6100 + i, booking, guest, property, providerId, created);
            SimThread thread = new SimThread(t.path("id").asText(), t);
            ObjectNode full = booking.deepCopy();
            full.set("main_guest", guest.deepCopy());
            thread.related.put("booking", full);
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 0);
        }
        return account;
    }

    private static ObjectNode thread(long id, ObjectNode booking, ObjectNode guest, ObjectNode property, String providerId, String created) {
        ObjectNode t = Json.MAPPER.createObjectNode().put("id", id);
        ObjectNode resource = t.putObject("resource").put("type", "booking");
        resource.set("record", booking);
        t.put("thread_identifier", "booking-" + booking.path("id").asLong());
        t.set("default_message_provider", provider(providerId));
        t.putArray("available_message_providers").add(provider(providerId)).add(provider("email"));
        t.put("thread_external_id", providerId.equals("email") ? null : "180" + id).put("subject", "Booking #" + booking.path("id").asLong());
        t.set("account", guest);
        t.put("last_message_excerpt", (String) null).put("last_message_at", (String) null).put("requires_attention", false)
                .put("is_spam", false).put("is_archived", false).put("messages_count", 0).put("has_alerts", false)
                .put("ai_agent_generating_response", false).put("ai_engagement_enabled", false).put("ai_engagement_disabled_reason", (String) null);
        t.set("property", property);
        return t.put("created_at", created).put("updated_at", created);
    }

    @Override
    public SimThread load(String accountId, JsonNode bundle) {
        SimThread t = super.load(accountId, bundle);
        t.messages.forEach(m -> nextId = Math.max(nextId, m.path("id").asLong() + 1));
        return t;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        return render(thread, message, thread.record.path("default_message_provider").path("id").asText("email"), "text/plain", null);
    }

    private ObjectNode render(SimThread thread, NewMessage message, String providerId, String contentType, String subject) {
        ObjectNode c = thread.record;
        String at = time(message.at());
        long id = nextId++;
        boolean in = message.fromGuest();
        ObjectNode m = Json.MAPPER.createObjectNode().put("id", id);
        m.putNull("sent_by_workflow");
        ObjectNode sentBy = m.putObject("sent_by").put("type", in ? "account" : "user");
        if (in) {
            sentBy.set("record", c.path("account").deepCopy());
        } else {
            sentBy.putObject("record").put("id", 12).put("name", "Olivia Host").put("email", "olivia@host.example").put("role", "admin")
                    .put("created_at", "2024-06-01T09:00:00.000000Z").put("updated_at", "2024-06-01T09:00:00.000000Z");
        }
        m.put("sent_by_name", in ? c.path("account").path("full_name").asText() : "Olivia Host")
                .put("direction", in ? "inbound" : "outbound").put("message_type", "message").put("content_type", contentType)
                .put("is_sent", true).put("is_draft", false).put("sent_at", at).put("is_read", false).putNull("read_at")
                .put("is_delivered", !in).put("delivered_at", in ? null : at).put("is_bounce", false).put("is_spam", false)
                .put("requires_attention", in).putNull("scheduled_at").putNull("draft_rejected_at").putNull("draft_rejected_reason")
                .put("content", message.body()).put("subject", subject).put("full_content", message.body()).put("language", "en")
                .putNull("translated_content").putNull("translated_subject").putNull("translated_full_content").putNull("translated_language")
                .put("provider", providerId);
        m.set("provider_info", provider(providerId));
        m.put("provider_message_id", providerId.equals("email") ? "<" + id + "@mail.rentalwise.io>" : providerId + "-" + (900000 + id));
        m.putNull("options");
        m.putNull("error_message");
        m.putArray("attachments");
        m.put("is_ai_message", false).putNull("draft_published_at").put("created_at", at).put("updated_at", at);
        thread.messages.add(m);
        String text = message.body().replaceAll("<[^>]+>", "");
        c.put("last_message_excerpt", text.length() > 100 ? text.substring(0, 100) : text).put("last_message_at", at)
                .put("messages_count", thread.messages.size()).put("requires_attention", in).put("updated_at", at);
        return m;
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        String auth = ex.header("Authorization");
        String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
        SimAccount known = token == null ? null : accounts.values().stream()
                .filter(a -> token.equals(a.credentials.get("apiToken"))).findFirst().orElse(null);
        if (known == null) {
            return SimResponse.json(401, "{\"message\":\"Unauthenticated.\"}");
        }
        Admission admission = admit(ex, known.id);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        if (!ex.method().equals("POST")) {
            return SimResponse.json(405, "{\"message\":\"The " + ex.method() + " method is not supported for route " + ex.path().substring(1) + ". Supported methods: POST.\"}");
        }
        JsonNode req = readJson(ex.body());
        if (req == null) {
            req = Json.MAPPER.createObjectNode();
        }
        switch (ex.path()) {
            case "/rest/thread/query": {
                List<ObjectNode> all = filter(account.threads.stream().map(t -> t.record).toList(), req, "last_message_at");
                JsonNode types = req.path("resource_type");
                long resourceId = req.path("resource_id").asLong(-1);
                all = all.stream().filter(t -> !types.isArray() || types.isEmpty() || contains(types, t.path("resource").path("type").asText()))
                        .filter(t -> resourceId < 0 || t.path("resource").path("record").path("id").asLong() == resourceId).toList();
                return paged(all, req);
            }
            case "/rest/thread/fetch": {
                SimThread t = account.thread(req.path("id").asText());
                return t == null ? notFound("Thread") : SimResponse.json(200, t.record.toString());
            }
            case "/rest/thread-message/query": {
                String threadId = req.path("thread").asText("");
                List<ObjectNode> msgs = new ArrayList<>();
                boolean withThread = contains(req.path("with"), "thread");
                for (SimThread t : account.threads) {
                    if (threadId.isEmpty() || t.id.equals(threadId)) {
                        t.messages.forEach(m -> msgs.add(withThread ? withThread(m, t) : m));
                    }
                }
                return paged(filter(msgs, req, "created_at"), req);
            }
            case "/rest/thread-message/fetch": {
                for (SimThread t : account.threads) {
                    for (ObjectNode m : t.messages) {
                        if (m.path("id").asText().equals(req.path("id").asText())) {
                            return SimResponse.json(200, (contains(req.path("with"), "thread") ? withThread(m, t) : m).toString());
                        }
                    }
                }
                return notFound("ThreadMessage");
            }
            case "/rest/thread-message/send":
                return send(ex, account, req);
            case "/rest/webhook/create":
                return createWebhook(ex, account, req);
            case "/rest/webhook/delete":
                return ex.simulator().unsubscribeWebhook(key(), account.id, req.path("id").asText())
                        ? SimResponse.json(200, Json.MAPPER.createObjectNode().put("id", req.path("id").asLong()).toString()) : notFound("Webhook");
            case "/rest/booking/fetch": {
                for (SimThread t : account.threads) {
                    ObjectNode b = t.related.get("booking");
                    if (b != null && b.path("id").asText().equals(req.path("id").asText())) {
                        return SimResponse.json(200, b.toString());
                    }
                }
                return notFound("Booking");
            }
            default:
                return SimResponse.json(404, "{\"message\":\"The route " + ex.path().substring(1) + " could not be found.\"}");
        }
    }

    private SimResponse send(SimExchange ex, SimAccount account, JsonNode req) {
        ObjectNode errors = Json.MAPPER.createObjectNode();
        // Laravel's "integer" rule takes 70 and "70" alike
        boolean threadGiven = req.path("thread").isIntegralNumber() || req.path("thread").asText("").matches("\\d+");
        SimThread thread = threadGiven ? account.thread(req.path("thread").asText()) : null;
        if (!threadGiven) {
            errors.putArray("thread").add("The thread field is required.");
        }
        String provider = req.path("provider").asText("");
        if (provider.isBlank()) {
            errors.putArray("provider").add("The provider field is required.");
        } else if (thread != null && !contains(thread.record.path("available_message_providers"), provider)) {
            errors.putArray("provider").add("The selected provider is invalid.");
        }
        if (!req.path("content").isTextual() || req.path("content").asText().isBlank()) {
            errors.putArray("content").add("The content field is required.");
        }
        String contentType = req.path("content_type").asText("text/plain");
        if (!contentType.equals("text/plain") && !contentType.equals("text/html")) {
            errors.putArray("content_type").add("The selected content type is invalid.");
        }
        if (!errors.isEmpty()) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("message", errors.elements().next().get(0).asText());
            body.set("errors", errors);
            return SimResponse.json(422, body.toString());
        }
        if (thread == null) {
            return notFound("Thread");
        }
        ObjectNode m = render(thread, new NewMessage(req.path("content").asText(), false, Instant.now()), provider, contentType,
                req.path("subject").isTextual() ? req.path("subject").asText() : null);
        sent(ex, account, thread, req, m);
        return SimResponse.json(200, m.toString());
    }

    /**
     * The SDK's webhook/create [client]: {name, events, url, auth_method} required; the answer is the Webhook {id, name,
     * events, url, auth_method}. With basic_auth, auth_data {username, password} [assumed] is what the calls then carry.
     * Laravel-style 422 for a missing field [assumed].
     */
    private SimResponse createWebhook(SimExchange ex, SimAccount account, JsonNode req) {
        JsonNode data = req.path("auth_data");
        if (!req.path("name").isTextual() || !req.path("url").isTextual() || !req.path("events").isArray()
                || !req.path("auth_method").asText().equals("basic_auth") || !data.path("username").isTextual() || !data.path("password").isTextual()) {
            return SimResponse.json(422, "{\"message\":\"The given data was invalid.\",\"errors\":{\"webhook\":[\"name, events, url and "
                    + "auth_method basic_auth with auth_data {username, password} are required by this simulator.\"]}}");
        }
        String id = ex.simulator().subscribeWebhook(key(), account.id, req.path("url").asText(),
                Map.of("webhookUser", data.path("username").asText(), "webhookPassword", data.path("password").asText()));
        ObjectNode hook = Json.MAPPER.createObjectNode().put("id", Long.parseLong(id)).putNull("provider_code").put("name", req.path("name").asText());
        hook.set("events", req.path("events"));
        hook.put("url", req.path("url").asText()).put("auth_method", "basic_auth");
        return SimResponse.json(201, hook.toString());
    }

    /** Notify-then-fetch ids, Basic auth with the webhook user and password (see the class comment). */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("event", fromGuest ? "message-received" : "message-sent")
                .put("thread", thread.record.path("id").asLong()).put("thread_message", message.path("id").asLong());
        String basic = java.util.Base64.getEncoder().encodeToString((secrets.get("webhookUser") + ":" + secrets.get("webhookPassword"))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new WebhookCall(body.toString(), Map.of("Authorization", "Basic " + basic), Map.of());
    }

    private static ObjectNode withThread(ObjectNode m, SimThread t) {
        ObjectNode copy = m.deepCopy();
        copy.set("thread", t.record.deepCopy());
        return copy;
    }

    private static boolean contains(JsonNode arr, String value) {
        for (JsonNode n : arr) {
            if (value.equals(n.isObject() ? n.path("id").asText() : n.asText())) {
                return true;
            }
        }
        return false;
    }

    private static SimResponse notFound(String model) {
        return SimResponse.json(404, "{\"message\":\"No query results for model [App\\\\Models\\\\" + model + "].\"}");
    }

    /** where.conditions ({field, in | eq | gt | gte | lt | lte}, AND-ed) and sort [{field, direction}]. */
    private static List<ObjectNode> filter(List<ObjectNode> all, JsonNode req, String defaultSort) {
        Predicate<ObjectNode> keep = r -> true;
        for (JsonNode c : req.path("where").path("conditions")) {
            String field = c.path("field").asText();
            keep = keep.and(r -> {
                JsonNode v = r.path(field);
                if (c.has("in") && !contains(c.path("in"), v.asText())) {
                    return false;
                }
                for (String op : new String[] {"eq", "gt", "gte", "lt", "lte"}) {
                    if (c.has(op)) {
                        if (v.isNull() || v.isMissingNode()) {
                            return false;
                        }
                        int cmp = compare(v, c.get(op));
                        boolean ok = switch (op) {
                            case "eq" -> cmp == 0;
                            case "gt" -> cmp > 0;
                            case "gte" -> cmp >= 0;
                            case "lt" -> cmp < 0;
                            default -> cmp <= 0;
                        };
                        if (!ok) {
                            return false;
                        }
                    }
                }
                return true;
            });
        }
        JsonNode sort = req.path("sort").path(0);
        String field = sort.path("field").asText(defaultSort);
        Comparator<ObjectNode> order = Comparator.comparing((ObjectNode r) -> r.path(field), RentalWiseSim::compare)
                .thenComparing(r -> r.path("id").asLong());
        if (!"asc".equals(sort.path("direction").asText(sort.isMissingNode() ? "desc" : "asc"))) {
            order = order.reversed();
        }
        return all.stream().filter(keep).sorted(order).toList();
    }

    private static int compare(JsonNode a, JsonNode b) {
        if (a.isNull() || a.isMissingNode() || b.isNull() || b.isMissingNode()) {
            return Boolean.compare(!(a.isNull() || a.isMissingNode()), !(b.isNull() || b.isMissingNode()));
        }
        if (a.isNumber() && (b.isNumber() || b.asText().matches("-?\\d+"))) {
            return Long.compare(a.asLong(), b.asLong());
        }
        return a.asText().compareTo(b.asText());
    }

    private static SimResponse paged(List<ObjectNode> all, JsonNode req) {
        int perPage = Math.max(1, req.path("paginate").path("perpage").asInt(15));
        int page = Math.max(1, req.path("paginate").path("page").asInt(1));
        int from = (page - 1) * perPage;
        return SimResponse.json(200, page(all, from, perPage, arr -> {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.set("data", arr);
            o.put("current_page", page).put("last_page", Math.max(1, (all.size() + perPage - 1) / perPage)).put("per_page", perPage);
            if (arr.isEmpty()) {
                o.putNull("from").putNull("to");
            } else {
                o.put("from", from + 1).put("to", from + arr.size());
            }
            return o.put("total", all.size());
        }));
    }
}
