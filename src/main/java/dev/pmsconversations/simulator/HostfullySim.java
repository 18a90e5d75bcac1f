package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Hostfully public API v3.2 (dev.hostfully.com; notes in docs/research/hostfully.md). Header
 * {@code X-HOSTFULLY-APIKEY}. Base {@code /api/v3.2}. Thread-per-lead messaging model (D4).
 * <ul>
 * <li>GET /threads?agencyUid=[&amp;leadUid=]&amp;_limit=&amp;_cursor= {@code {threads, _metadata:{count, totalCount},
 *     _paging:{_limit[, _nextCursor]}}}, newest {@code lastUpdateDate} first; GET /threads/{uid} {@code {thread}}.</li>
 * <li>GET /messages?threadUid=|leadUid=|agencyUid= (+ _limit, _cursor, createdAt) newest first {@code {messages, _metadata,
 *     _paging}}; GET /messages/{uid} {@code {message}}; GET /leads/{uid} {@code {lead}}.</li>
 * <li>POST /messages {@code {type: DIRECT_MESSAGE|EMAIL, leadUid and/or threadUid, content: {text, subject}}}.</li>
 * </ul>
 * Decisions where the docs are silent (client evidence cited, C2 ids as in the research notes):
 * <ul>
 * <li>Message shape = the "LIVE API shape" fixture of C2 51816680572: uid, leadUid, threadUid, createdUtcDateTime
 *     (yyyy-MM-ddTHH:mm:ssZ), status CREATED (inbound) / SENT (outbound), type = channel (AIRBNB, VRBO, ...),
 *     senderType GUEST / AGENCY, content {subject, text} plain text, attachments []; _metadata.totalCount null; the last
 *     page's _paging has no _nextCursor. The cursor is opaque (base64 of the last uid served; keyset-like).</li>
 * <li>Attachment item shape is NOT documented; a plausible {@code {uid, name, url, mimeType}} is used.</li>
 * <li>Thread: {@code uid, agencyUid, participants [{participantType: LEAD, participantUid}], lastUpdateDate,
 *     participantsReadStatuses}. lastUpdateDate (same format as createdUtcDateTime) and participantsReadStatuses are
 *     field names from the dlt pipeline C2 66313917228 (it filters on values containing "UNREAD"); the item shape
 *     {@code {participantType: AGENCY, participantUid: agencyUid, readStatus: READ|UNREAD}} is a guess.</li>
 * <li>agencyUid: required by /threads (400 without it, 403 if not the key's agency). /messages accepts threadUid or
 *     leadUid without agencyUid, as live-confirmed clients call it that way (C2 51816680572, 66234789136).</li>
 * <li>Errors: no Hostfully error body was found; the Spring Boot default {timestamp, status, error, message, path} is used.</li>
 * <li>Messages filter {@code createdAt} (D5 "filter by createdAt"; name/format unconfirmed): ISO UTC, created at or after.
 *     addMessage moves lastUpdateDate and sets the AGENCY read status UNREAD (guest) / READ (agency).</li>
 * <li>_limit default 100, clamped to 1..100 (C1 says 1-100; the applied value is echoed in _paging._limit).</li>
 * <li>Send answers 201 {@code {"message": {...created message...}}}, the created id at {@code message.uid}: Hostfully's
 *     single-resource envelope ({@code {"lead"}}, {@code {"webhook"}} on POST /webhooks, C2 70326708322). A DIRECT_MESSAGE
 *     gets the lead's channel as its type, an EMAIL gets type EMAIL.</li>
 * <li>Webhook NEW_INBOX_MESSAGE, POST_JSON, base payload (D7) + D5 keys; message_content = content.text; no signature:
 *     the secret is the callback URL query {@code token} (C2 70188399832).</li>
 * </ul>
 */
final class HostfullySim extends SimSource {
    private static final String TIME = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final String[] CHANNELS = {"AIRBNB", "VRBO", "BOOKING_COM", "HOSTFULLY"};
    private static final String MISSING_AGENCY =
            "Required request parameter 'agencyUid' for method parameter type String is not present";
    private long counter = 0;

    HostfullySim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "hostfully";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("apiKey", "hostfully-key-" + id, "agencyUid", uid("agency-" + id)));
    }

    /** A fixture's account takes the fixture's agencyUid, so the records and the credentials agree. */
    @Override
    public SimThread load(String accountId, JsonNode bundle) {
        String agencyUid = bundle.at("/conversation/agencyUid").asText(uid("agency-" + accountId));
        accounts.computeIfAbsent(accountId, id -> new SimAccount(id, Map.of("apiKey", "hostfully-key-" + id, "agencyUid", agencyUid)));
        return super.load(accountId, bundle);
    }

    @Override
    protected String threadId(ObjectNode record) {
        return record.path("uid").asText();
    }

    @Override
    public String idField() {
        return "uid";
    }

    private static String uid(String seed) {
        return UUID.nameUUIDFromBytes(("hostfully:" + seed).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private String nextUid(String kind) {
        return uid(kind + "-" + (counter++) + "-" + random.nextInt(1_000_000));
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        String agencyUid = account.credentials.get("agencyUid");
        Instant t0 = seedStart();
        for (int i = 0; i < threads; i++) {
            String[] name = guestName(i + 5).split(" ");
            String leadUid = nextUid("lead");
            String in = String.format("2025-02-%02dT16:00:00", 1 + i % 20), out = String.format("2025-02-%02dT11:00:00", 4 + i % 20);
            ObjectNode lead = Json.MAPPER.createObjectNode().put("uid", leadUid).put("agencyUid", agencyUid)
                    .put("propertyUid", uid("property-" + accountId + "-" + i % 3)).put("type", "BOOKING").put("status", "BOOKED")
                    .put("channel", CHANNELS[i % CHANNELS.length]).put("externalBookingId", "HM" + (4000000 + i))
                    .put("checkInLocalDateTime", in).put("checkOutLocalDateTime", out)
                    .put("checkInZonedDateTime", in + "-08:00").put("checkOutZonedDateTime", out + "-08:00");
            lead.putObject("guestInformation").put("firstName", name[0]).put("lastName", name[1])
                    .put("email", name[0].toLowerCase() + "." + name[1].toLowerCase() + "@guest.example")
                    .put("phoneNumber", "+1415555" + (1000 + i)).put("adultCount", 2).put("childrenCount", 0)
                    .put("petCount", 0).put("infantCount", 0);
            lead.putObject("metadata").put("createdUtcDateTime", local(t0.minusSeconds(86400L * (i + 1)), UTC, TIME))
                    .put("updatedUtcDateTime", local(t0.minusSeconds(86400L * (i + 1)), UTC, TIME));
            ObjectNode thread = Json.MAPPER.createObjectNode().put("uid", nextUid("thread")).put("agencyUid", agencyUid);
            thread.putArray("participants").addObject().put("participantType", "LEAD").put("participantUid", leadUid);
            thread.put("lastUpdateDate", lead.at("/metadata/createdUtcDateTime").asText());
            thread.putArray("participantsReadStatuses").addObject().put("participantType", "AGENCY")
                    .put("participantUid", agencyUid).put("readStatus", "READ");
            SimThread t = new SimThread(thread.path("uid").asText(), thread);
            t.related.put("lead", lead);
            account.threads.add(t);
            seedMessages(account, t, i, messages, t0, 0);
        }
        return account;
    }

    private static String leadUid(SimThread thread) {
        for (JsonNode p : thread.record.path("participants")) {
            if ("LEAD".equals(p.path("participantType").asText())) {
                return p.path("participantUid").asText();
            }
        }
        return null;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        return render(thread, message, null, null);
    }

    /**
     * A message's type is the lead's channel (AIRBNB, VRBO, BOOKING_COM); a lead booked directly with Hostfully
     * (channel HOSTFULLY) has its messages in Hostfully's own inbox: type HOSTFULLY_PMP, as in the v3.2 example.
     */
    private static String messageType(ObjectNode lead) {
        String channel = lead == null ? "HOSTFULLY" : lead.path("channel").asText("HOSTFULLY");
        return channel.equals("HOSTFULLY") ? "HOSTFULLY_PMP" : channel;
    }

    private ObjectNode render(SimThread thread, NewMessage message, String type, String subject) {
        String at = local(message.at(), UTC, TIME);
        ObjectNode lead = thread.related.get("lead");
        String channel = messageType(lead);
        ObjectNode m = Json.MAPPER.createObjectNode().put("uid", nextUid("message")).put("leadUid", leadUid(thread))
                .put("threadUid", thread.id).put("createdUtcDateTime", at).put("status", message.fromGuest() ? "CREATED" : "SENT")
                .put("type", type != null ? type : channel).put("senderType", message.fromGuest() ? "GUEST" : "AGENCY");
        m.putObject("content").put("subject", subject).put("text", message.body());
        m.putArray("attachments");
        thread.messages.add(m);
        if (at.compareTo(thread.record.path("lastUpdateDate").asText("")) > 0) {
            thread.record.put("lastUpdateDate", at);
        }
        for (JsonNode s : thread.record.path("participantsReadStatuses")) {
            ((ObjectNode) s).put("readStatus", message.fromGuest() ? "UNREAD" : "READ");
        }
        return m;
    }

    /**
     * Hostfully's webhooks (clients calling the live API; docs/research/webhook-subscription-hostfully.md): POST /webhooks
     * {agencyUid, objectUid, eventType, callbackUrl, webhookType} → {webhook: {uid, …}}; DELETE /webhooks/{uid} → 204.
     * Hostfully calls the callback URL as given; a token in its query is how the receiver knows the call (no signature).
     */
    private SimResponse webhooks(SimExchange ex, SimAccount account, String agencyUid, String[] p) {
        if (ex.method().equals("POST") && p.length == 4) {
            com.fasterxml.jackson.databind.JsonNode req = readJson(ex.body());
            if (req == null || !agencyUid.equals(req.path("agencyUid").asText()) || !req.path("eventType").isTextual()
                    || !req.path("callbackUrl").isTextual()) {
                return error(ex, 400, "Bad Request", "agencyUid, eventType and callbackUrl are required");
            }
            java.net.URI callback = java.net.URI.create(req.path("callbackUrl").asText());
            String token = callback.getQuery() == null ? null : java.util.Arrays.stream(callback.getQuery().split("&"))
                    .filter(x -> x.startsWith("token=")).map(x -> x.substring(6)).findFirst().orElse(null);
            if (token == null) {
                return error(ex, 400, "Bad Request", "this simulator delivers to callback URLs that carry ?token=");
            }
            String base = req.path("callbackUrl").asText().substring(0, req.path("callbackUrl").asText().indexOf('?'));
            String id = ex.simulator().subscribeWebhook(key(), account.id, base, Map.of("webhookToken", token));
            ObjectNode hook = Json.MAPPER.createObjectNode().put("uid", "wh-" + id).put("agencyUid", agencyUid)
                    .put("webhookType", req.path("webhookType").asText("POST_JSON")).put("eventType", req.path("eventType").asText())
                    .put("callbackUrl", req.path("callbackUrl").asText()).put("objectUid", req.path("objectUid").asText(agencyUid))
                    .put("creatorIdentifier", "api-key");
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.set("webhook", hook);
            return SimResponse.json(201, o.toString());
        }
        if (ex.method().equals("DELETE") && p.length == 5) {
            return ex.simulator().unsubscribeWebhook(key(), account.id, p[4].replaceFirst("^wh-", ""))
                    ? new SimResponse(204, "application/json", "", Map.of()) : error(ex, 404, "Not Found", "webhook " + p[4] + " not found");
        }
        return error(ex, 405, "Method Not Allowed", "Request method '" + ex.method() + "' is not supported");
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        String key = ex.header("X-HOSTFULLY-APIKEY");
        SimAccount known = key == null ? null : accounts.values().stream()
                .filter(a -> key.equals(a.credentials.get("apiKey"))).findFirst().orElse(null);
        if (known == null) {
            return error(ex, 401, "Unauthorized", "Invalid or missing API key");
        }
        Admission admission = admit(ex, known.id);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        String agencyUid = account.credentials.get("agencyUid");
        String[] p = ex.path().split("/");
        if (p.length < 4 || !p[1].equals("api") || !p[2].equals("v3.2")) {
            return error(ex, 404, "Not Found", "No static resource " + ex.path());
        }
        Map<String, String> q = ex.query();
        if (q.containsKey("agencyUid") && !agencyUid.equals(q.get("agencyUid"))) {
            return error(ex, 403, "Forbidden", "Access to agency " + q.get("agencyUid") + " is denied");
        }
        String resource = p[3];
        if (resource.equals("webhooks")) {
            return webhooks(ex, account, agencyUid, p);
        }
        if (ex.method().equals("POST") && resource.equals("messages") && p.length == 4) {
            return send(ex, account);
        }
        if (!ex.method().equals("GET")) {
            return error(ex, 405, "Method Not Allowed", "Request method '" + ex.method() + "' is not supported");
        }
        if (p.length == 5) {
            ObjectNode found = switch (resource) {
                case "threads" -> account.threads.stream().filter(t -> t.id.equals(p[4])).map(t -> t.record).findFirst().orElse(null);
                case "leads" -> account.threads.stream().map(t -> t.related.get("lead"))
                        .filter(l -> l != null && p[4].equals(l.path("uid").asText())).findFirst().orElse(null);
                case "messages" -> account.threads.stream().flatMap(t -> t.messages.stream())
                        .filter(m -> p[4].equals(m.path("uid").asText())).findFirst().orElse(null);
                default -> null;
            };
            if (found == null) {
                return error(ex, 404, "Not Found", resource.substring(0, resource.length() - 1) + " " + p[4] + " not found");
            }
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.set(resource.substring(0, resource.length() - 1), found);
            return SimResponse.json(200, o.toString());
        }
        if (p.length != 4 || !(resource.equals("threads") || resource.equals("messages"))) {
            return error(ex, 404, "Not Found", "No static resource " + ex.path());
        }
        String leadUid = q.get("leadUid");
        if (resource.equals("threads")) {
            if (q.get("agencyUid") == null || q.get("agencyUid").isEmpty()) {
                return error(ex, 400, "Bad Request", MISSING_AGENCY);
            }
            List<ObjectNode> all = account.threads.stream().filter(t -> leadUid == null || leadUid.equals(leadUid(t)))
                    .map(t -> t.record).sorted(Comparator.comparing((ObjectNode t) -> t.path("lastUpdateDate").asText())
                            .thenComparing(t -> t.path("uid").asText()).reversed()).toList();
            return list(ex, "threads", all);
        }
        String threadUid = q.get("threadUid");
        if (threadUid == null && leadUid == null && q.get("agencyUid") == null) {
            return error(ex, 400, "Bad Request", MISSING_AGENCY);
        }
        String createdAt = q.get("createdAt");
        Predicate<ObjectNode> keep = m -> (threadUid == null || threadUid.equals(m.path("threadUid").asText()))
                && (leadUid == null || leadUid.equals(m.path("leadUid").asText()))
                && (createdAt == null || m.path("createdUtcDateTime").asText().compareTo(createdAt) >= 0);
        List<ObjectNode> all = account.threads.stream().flatMap(t -> t.messages.stream()).filter(keep)
                .sorted(Comparator.comparing((ObjectNode m) -> m.path("createdUtcDateTime").asText())
                        .thenComparing(m -> m.path("uid").asText()).reversed()).toList();
        return list(ex, "messages", all);
    }

    /** One page after the cursor (base64 of the last uid served), {key, _metadata, _paging}. */
    private SimResponse list(SimExchange ex, String key, List<ObjectNode> all) {
        int limit = Math.max(1, Math.min(100, intParam(ex.query(), "_limit", 100)));
        int from = 0;
        String cursor = ex.query().get("_cursor");
        if (cursor != null && !cursor.isEmpty()) {
            String after;
            try {
                after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return error(ex, 400, "Bad Request", "Invalid cursor");
            }
            from = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).path("uid").asText().equals(after)) {
                    from = i + 1;
                }
            }
            if (from < 0) {
                return error(ex, 400, "Bad Request", "Invalid cursor");
            }
        }
        int start = from;
        return SimResponse.json(200, page(all, start, limit, arr -> {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.set(key, arr);
            o.putObject("_metadata").put("count", arr.size()).putNull("totalCount");
            ObjectNode paging = o.putObject("_paging").put("_limit", limit);
            if (start + arr.size() < all.size()) {
                String last = arr.get(arr.size() - 1).path("uid").asText();
                paging.put("_nextCursor", Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
            }
            return o;
        }));
    }

    /** POST /messages {type, leadUid|threadUid, content: {text, subject}}: 201 {"message": {...}}. */
    private SimResponse send(SimExchange ex, SimAccount account) {
        JsonNode req = readJson(ex.body());
        if (req == null || !req.isObject()) {
            return error(ex, 400, "Bad Request", "Required request body is missing or is not valid JSON");
        }
        String type = req.path("type").asText("");
        if (!type.equals("DIRECT_MESSAGE") && !type.equals("EMAIL")) {
            return error(ex, 400, "Bad Request", "Invalid message type '" + type + "'; allowed values: [DIRECT_MESSAGE, EMAIL]");
        }
        String text = req.at("/content/text").asText("");
        if (text.isBlank()) {
            return error(ex, 400, "Bad Request", "content.text must not be blank");
        }
        String threadUid = req.path("threadUid").asText(null);
        String leadUid = req.path("leadUid").asText(null);
        if (threadUid == null && leadUid == null) {
            return error(ex, 400, "Bad Request", "Either leadUid or threadUid must be provided");
        }
        SimThread thread = account.threads.stream().filter(t -> threadUid != null ? t.id.equals(threadUid) : leadUid.equals(leadUid(t)))
                .findFirst().orElse(null);
        if (thread == null) {
            return error(ex, 404, "Not Found", threadUid != null ? "thread " + threadUid + " not found" : "lead " + leadUid + " not found");
        }
        if (threadUid != null && leadUid != null && !leadUid.equals(leadUid(thread))) {
            return error(ex, 400, "Bad Request", "thread " + threadUid + " does not belong to lead " + leadUid);
        }
        ObjectNode lead = thread.related.get("lead");
        String channel = messageType(lead);
        String subject = req.at("/content/subject").isTextual() ? req.at("/content/subject").asText() : null;
        Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // whole seconds, after the thread's latest
        Instant latest = Instant.parse(thread.record.path("lastUpdateDate").asText("1970-01-01T00:00:00Z"));
        at = at.isAfter(latest) ? at : latest.plusSeconds(1);
        ObjectNode m = render(thread, new NewMessage(text, false, at), type.equals("EMAIL") ? "EMAIL" : channel, subject);
        sent(ex, account, thread, req, m);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("message", m);
        return SimResponse.json(201, o.toString());
    }

    /** NEW_INBOX_MESSAGE, POST_JSON; no signature: the secret token rides in the callback URL query. */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode lead = thread.related.get("lead");
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("agency_uid", thread.record.path("agencyUid").asText(account.credentials.get("agencyUid")))
                .put("event_type", "NEW_INBOX_MESSAGE")
                .put("property_uid", lead == null ? null : lead.path("propertyUid").asText(null))
                .put("lead_uid", message.path("leadUid").asText()).put("thread_uid", thread.id)
                .put("message_uid", message.path("uid").asText()).put("status", message.path("status").asText())
                .put("type", message.path("type").asText()).put("message_content", message.at("/content/text").asText())
                .put("sender_type", message.path("senderType").asText()).put("created", message.path("createdUtcDateTime").asText());
        return new WebhookCall(body.toString(), Map.of(), Map.of("token", secrets.get("webhookToken")));
    }


    /** Spring Boot's default error body (Hostfully's own error format is undocumented). */
    private static SimResponse error(SimExchange ex, int status, String error, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("timestamp", Instant.now().toString()).put("status", status)
                .put("error", error).put("message", message).put("path", ex.path());
        return SimResponse.json(status, o.toString());
    }
}
