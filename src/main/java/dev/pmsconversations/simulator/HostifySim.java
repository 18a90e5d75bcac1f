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
import java.util.Set;

/**
 * Hostify API (https://api-rms.hostify.com/, docs "Docs | Hostify API" #authentication, #inbox, #guests,
 * #push-notifications-using-amazon-sns, #errors; see docs/research/hostify.md). Header {@code x-api-key}; answers
 * {@code {"success": true, ...}}, errors {@code {"success": false, "error": "..."}} (401 "Your API key is wrong").
 * GET /inbox (page, per_page, filters) -> {success, threads, total, next_page}; GET /inbox/{id} -> {success, thread,
 * messages}; GET /guests/{id} -> {success, guest}; POST /inbox/reply {thread_id, message, send_by?} -> {success, id}.
 * Times "YYYY-MM-DD HH:mm:ss" without zone, UTC.
 * <p>Decisions where the docs are silent (evidence in the research notes):
 * <ul>
 * <li>/inbox answers {@code total} and {@code next_page} (int or null) besides {@code threads}: the docs list example
 * shows only threads; C3/C5 read total/next_page on other Hostify list calls. {@code per_page} default 20 (docs global
 * parameters), capped at 100 (C5 comment). Threads sorted by {@code last_message} newest first (id desc on ties).
 * {@code filters} = JSON array of {field, operator, value} (docs filter object; C1 filters /inbox by reservation_id)
 * applied to any thread field with =, &lt;&gt;, &lt;, &gt;, &lt;=, &gt;=, in, not_in (others, or bad JSON: 400); the
 * docs' between/not_between are not simulated.</li>
 * <li>/inbox/{id} returns all messages, newest first (as the docs example lists them), no paging.</li>
 * <li>Host and automatic messages carry {@code guest_id} = the host user's id (100, the docs' assignee user), never
 * the thread's guest id (C1: "host and automated messages carry a different (host) id"), with that user's name and
 * avatar; system events ("Request received") have guest_id null, empty message and the text in {@code notes}
 * (docs #get-thread example). Replies have is_automatic 0.</li>
 * <li>The reply answer's {@code id} is the id of the created message in GET /inbox/{id} (C1 stores it as such).
 * A message sets the thread's last_message and preview; a host message sets answered 1, a guest message 0.</li>
 * <li>Webhook {@code message_new}: an Amazon SNS HTTP notification (headers x-amz-sns-message-type/-message-id/
 * -topic-arn; body {Type: "Notification", MessageId, TopicArn, Subject: "message_new", Message, Timestamp,
 * SignatureVersion, Signature, SigningCertURL, UnsubscribeURL}, C4 reads Subject and parses Message). Message is a
 * JSON string {notification_type: "message_new", auth, thread_id, reservation_id, listing_id, message_id, message,
 * notes, guest_id, guest_name, created, is_automatic}: the inner fields are not documented; {@code auth} is the
 * subscription's auth value ("received with all notifications", docs) = secret {@code webhookToken}. The SNS
 * Signature is a placeholder (cannot be made without AWS's key); MessageId is a UUID derived from the message.</li>
 * </ul>
 */
final class HostifySim extends SimSource {
    private static final String TIME = "yyyy-MM-dd HH:mm:ss";
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long HOST_ID = 100;
    private static final String HOST_NAME = "John Smith";
    private static final String HOST_AVATAR = "https://example.com/avatar.png";
    private static final Set<String> OPERATORS = Set.of("=", "<>", "<", ">", "<=", ">=", "in", "not_in");
    private static final Set<String> SEND_BY = Set.of("channel", "email", "sms", "whatsapp");
    private long nextId = 2000000;

    HostifySim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "hostify";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("apiKey", "hostify-key-" + id));
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
            String name = guestName(i + 5);
            long guestId = 120000 + base + i;
            ObjectNode t = Json.MAPPER.createObjectNode()
                    .put("id", 5000000 + base + i).put("reservation_id", 9000000 + base + i)
                    .put("channel_thread_id", 504733930L + base + i).put("answered", 0).put("channel_unread", 0)
                    .put("preview", "").putNull("last_message").putNull("note_preview")
                    .put("nights", 2 + i % 5).put("guests", 1 + i % 4).put("start_date", "2025-02-" + String.format("%02d", 1 + i % 28))
                    .put("is_archived", 0).put("is_support", 0).putNull("assignee_id").putNull("assignee")
                    .put("integration_id", 123).put("integration_type_id", 1).put("integration_type_name", "Airbnb")
                    .put("listing_id", 1000 + i % 3).put("guest_id", guestId);
            SimThread thread = new SimThread(t.path("id").asText(), t);
            thread.related.put("guest", Json.MAPPER.createObjectNode()
                    .put("id", guestId).put("channel_guest_id", 1234567 + base + i).put("name", name)
                    .put("email", name.toLowerCase().replace(' ', '.') + "@guest.example").put("phone", "+1-541-754-" + (3010 + i))
                    .put("location", "Long Beach").put("is_verified", 1).put("has_facebook", 0).put("has_governmentid", 0)
                    .put("has_email", 1).put("has_phone", 1).put("reviews", i % 5).put("about", "").put("work", "")
                    .put("languages", "[]").put("original_file", "https://static.hostify.com/image/guest_src_" + (i + 1) + ".jpg")
                    .putNull("notes").put("integration_id", 123));
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 0);
        }
        return account;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        return render(thread, message.body(), message.fromGuest(), message.at());
    }

    private ObjectNode render(SimThread thread, String body, boolean fromGuest, Instant at) {
        ObjectNode t = thread.record;
        ObjectNode guest = thread.related.get("guest");
        String created = local(at, UTC, TIME);
        ObjectNode m = Json.MAPPER.createObjectNode().put("id", nextId++).put("message", body).putNull("notes").put("created", created);
        if (fromGuest) {
            String thumb = guest == null ? null : guest.path("original_file").asText(null);
            m.put("guest_id", t.path("guest_id").asLong()).put("guest_name", guest == null ? null : guest.path("name").asText(null))
                    .put("guest_thumb", thumb).put("is_automatic", 0).put("avatar", thumb);
        } else {
            m.put("guest_id", HOST_ID).put("guest_name", HOST_NAME).putNull("guest_thumb").put("is_automatic", 0).put("avatar", HOST_AVATAR);
        }
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
        if (p.length < 2 || !(p[1].equals("inbox") || p[1].equals("guests"))) {
            return error(404, "Not found");
        }
        if (p.length == 3 && p[1].equals("inbox") && p[2].equals("reply")) {
            return ex.method().equals("POST") ? reply(ex, account) : error(405, "Method not allowed");
        }
        if (!ex.method().equals("GET")) {
            return error(405, "Method not allowed");
        }
        if (p[1].equals("guests")) {
            ObjectNode guest = p.length != 3 ? null : account.threads.stream().map(t -> t.related.get("guest"))
                    .filter(g -> g != null && g.path("id").asText().equals(p[2])).findFirst().orElse(null);
            return guest == null ? error(404, "Guest not found") : ok("guest", guest);
        }
        if (p.length == 2) {
            return list(ex, account);
        }
        SimThread thread = p.length == 3 ? account.thread(p[2]) : null;
        if (thread == null) {
            return error(404, "Thread not found");
        }
        ObjectNode o = Json.MAPPER.createObjectNode().put("success", true);
        o.set("thread", thread.record);
        ArrayNode arr = o.putArray("messages");
        thread.messages.stream().sorted(NEWEST_FIRST).forEach(arr::add);
        return SimResponse.json(200, o.toString());
    }

    private static final Comparator<ObjectNode> NEWEST_FIRST = Comparator
            .comparing((ObjectNode m) -> m.path("created").asText("")).thenComparing(m -> m.path("id").asLong()).reversed();

    private SimResponse list(SimExchange ex, SimAccount account) {
        JsonNode filters = ex.query().containsKey("filters") ? readJson(ex.query().get("filters")) : Json.MAPPER.createArrayNode();
        if (filters == null || !filters.isArray() || java.util.stream.StreamSupport.stream(filters.spliterator(), false)
                .anyMatch(f -> !f.path("field").isTextual() || !OPERATORS.contains(f.path("operator").asText("=")))) {
            return error(400, "Invalid filters");
        }
        int perPage = Math.max(1, Math.min(100, intParam(ex.query(), "per_page", 20)));
        int page = Math.max(1, intParam(ex.query(), "page", 1));
        List<ObjectNode> all = account.threads.stream().map(t -> t.record).filter(t -> HostifyPlatform.matches(t, filters))
                .sorted(Comparator.comparing((ObjectNode t) -> t.path("last_message").asText(""))
                        .thenComparing(t -> t.path("id").asLong()).reversed()).toList();
        return SimResponse.json(200, page(all, (page - 1) * perPage, perPage, arr -> {
            ObjectNode o = Json.MAPPER.createObjectNode().put("success", true);
            o.set("threads", arr);
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
        String sendBy = req.path("send_by").asText("channel");
        if (!SEND_BY.contains(sendBy)) {
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

    /** Amazon SNS notification (Subject message_new) whose Message carries the subscription's auth value. */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        return HostifyPlatform.messageNew("hostify", account, thread, message, List.of("message", "notes", "guest_id", "guest_name", "created", "is_automatic"),
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
