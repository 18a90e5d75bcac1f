package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * BookingSync (Smily) API v3 inbox (developers.bookingsync.com; notes docs/research/bookingsync.md). Base
 * {@code /bookingsync}: OAuth at POST /oauth/token, API under /api/v3 with {@code Authorization: Bearer}.
 * <ul>
 * <li>Every answer is the old "JSON API RC1" envelope {@code {"links": {"<plural>.<rel>": url template}, "<plural>": [..],
 *     "meta": {"Link": {first, prev, next, last}, "X-Total-Pages", "X-Total-Count", "X-Per-Page"}}} (+ {@code deleted_ids}
 *     with updated_since), also for GET by ids ({@code /inbox/messages/1,2,3}, as the Ruby client calls it), paged with
 *     page/per_page (100 max), headers Link / X-Total-* / X-Per-Page / X-RateLimit-* / X-Updated-Since-Request-Synced-At.</li>
 * <li>GET /inbox/conversations, /inbox/messages, /inbox/participants, /inbox/attachments, /clients, /hosts [/ids];
 *     POST /inbox/messages (201 + Location), POST /inbox/participants, PUT /inbox/participants/:id {read}, POST /hosts.</li>
 * <li>Webhook {@code inbox_message_created} {account_id, event, resource: {links, message}}, header
 *     {@code X-Content-Signature} = hex HMAC-SHA1(webhookSecret, Ruby Base64.encode64(body)) (60-char lines + "\n").</li>
 * </ul>
 * Decisions where the docs are silent: refresh tokens rotate as Doorkeeper does with {@code previous_refresh_token}
 * (its install template): each refresh answers a new refresh token; the old refresh and access tokens stay valid until
 * the new access token is first used, then are revoked (reuse: 400 invalid_grant). 401 answers Doorkeeper's
 * {@code invalid_token} with WWW-Authenticate. Errors otherwise are {@code {"errors":[{"code","field","title"}]}}.
 * created_by_id/created_by_type and read_at are plain attributes (the inbox guide calls them attributes); the account,
 * messages and participants ids are links (live field tables). Lists sort by id ascending; updated_since is inclusive
 * on updated_at; an unknown filter (e.g. conversation_id) is ignored. The 1000/h limit is reported, not enforced (the
 * simulator's own limit applies). Guest messages are written by the channel app (created_by Doorkeeper::Application 38),
 * control-API host messages by a User; a host message adds a Host participant when the conversation has none.
 * Visibility must be internal|external (the 2018 "all" is refused); a duplicate Host participant answers 422.
 * A thread's {@code related}: "participants" (a whole GET /inbox/participants answer; its array is the live store),
 * "client", "booking" (GET /bookings/:id, which links the rental), optional "host" (joins the account's hosts) and
 * "attachments" (a whole GET /inbox/attachments answer).
 */
final class BookingSyncSim extends SimSource {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final String CT = "application/vnd.api+json; charset=utf-8";
    private static final String[] CHANNELS = {"airbnb", "homeaway", "email"};
    private static final Set<String> ORIGINS = Set.of("bookingsync_inbox", "airbnb_message", "airbnb_email", "booking-com",
            "homeaway", "tripadvisor", "email", "messenger", "whatsapp", "inquiry", "sms");
    private static final Map<String, String[]> RELS = Map.of(
            "conversations", new String[] {"account:accounts", "assignee:hosts", "source:sources", "bookings:bookings",
                    "inquiries:inquiries", "messages:inbox/messages", "participants:inbox/participants"},
            "messages", new String[] {"account:accounts", "attachments:inbox/attachments", "conversation:inbox/conversations",
                    "sender:inbox/participants"},
            "participants", new String[] {"conversation:inbox/conversations", "client:clients=member.id", "host:hosts=member.id"},
            "attachments", new String[] {"account:accounts", "messages:inbox/messages"},
            "clients", new String[] {"account:accounts"},
            "bookings", new String[] {"account:accounts", "rental:rentals", "client:clients", "source:sources", "inquiry:inquiries"},
            "hosts", new String[] {"user:users", "source:sources", "account:accounts", "participants:inbox/participants"});

    /** One Doorkeeper token record: access + refresh token, revoked together. */
    private static final class Token {
        String access;
        String refresh;
        String account;
        Instant expires;
        boolean revoked;
        Token previous;
    }

    private final Map<String, Token> byAccess = new HashMap<>();
    private final Map<String, Token> byRefresh = new HashMap<>();
    /**
     * The OAuth application registered with the simulated BookingSync (a partner's app, not an account's): the connect
     * page's authorization-code flow runs with it. Codes: code to (account, redirect_uri), each used once.
     */
    public static final String APP_CLIENT_ID = "bookingsync-app-client";
    public static final String APP_CLIENT_SECRET = "bookingsync-app-secret-0123456789";
    private final SimConsent consentPage = new SimConsent("BookingSync", APP_CLIENT_ID);
    private final Map<String, List<ObjectNode>> hosts = new HashMap<>();
    private final Map<String, Long> accountNumbers = new HashMap<>();
    private final Map<String, long[]> hourly = new HashMap<>();
    private String apiBase = "https://www.bookingsync.com/api/v3";
    private long nextConversation = 4100, nextParticipant = 7000, nextMessage = 52000, nextClient = 310000, nextHost = 200,
            nextBooking = 15000, nextToken = 1;

    BookingSyncSim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "bookingsync";
    }

    @Override
    protected SimAccount newAccount(String id) {
        Token t = new Token();
        t.refresh = hex(id + "/refresh/0");
        t.account = id;
        byRefresh.put(t.refresh, t);
        accountNumbers.putIfAbsent(id, 1000L + accountNumbers.size());
        return new SimAccount(id, Map.of("clientId", hex("client/" + id), "clientSecret", hex("secret/" + id), "refreshToken", t.refresh));
    }

    private static String hex(String seed) {
        return (UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)) + "" + UUID.nameUUIDFromBytes((seed + "#").getBytes(StandardCharsets.UTF_8)))
                .replace("-", "");
    }


    @Override
    public SimThread load(String accountId, JsonNode bundle) {
        SimThread t = super.load(accountId, bundle);
        accountNumbers.put(accountId, t.record.at("/links/account").asLong(accountNumbers.get(accountId)));
        t.related.computeIfAbsent("participants", k -> Json.MAPPER.createObjectNode()).withArray("participants");
        List<ObjectNode> list = hosts.computeIfAbsent(accountId, k -> new ArrayList<>());
        ObjectNode host = t.related.get("host");
        if (host != null && find(list, host.path("id").asLong()) == null) {
            list.add(host.deepCopy());
        }
        return t;
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        defaultHost(account);
        for (int i = 0; i < threads; i++) {
            String channel = CHANNELS[i % CHANNELS.length];
            String[] name = guestName(i + 2).split(" ");
            Instant created = t0.plusSeconds(3600L * i - 86400);
            ObjectNode client = Json.MAPPER.createObjectNode();
            long clientId = nextClient++;
            client.putObject("links").put("account", accountNumbers.get(accountId));
            client.put("id", clientId).putArray("addresses");
            client.putArray("emails").addObject().put("id", clientId).put("client_id", clientId).put("label", "default")
                    .put("email", (name[0] + "." + name[1]).toLowerCase() + "@guest.example").put("created_at", TIME.format(created))
                    .put("updated_at", TIME.format(created)).putNull("canceled_at").put("primary", true).putNull("locked");
            client.putArray("phones").addObject().put("id", clientId).put("client_id", clientId).put("label", "mobile")
                    .put("number", "+33 6 12 34 " + (10 + i % 90)).put("country_code", "FR").put("created_at", TIME.format(created))
                    .put("updated_at", TIME.format(created)).putNull("canceled_at").put("primary", true).putNull("locked");
            client.put("created_at", TIME.format(created)).put("updated_at", TIME.format(created)).put("fullname", name[0] + " " + name[1])
                    .put("firstname", name[0]).put("lastname", name[1]).put("notes", "").putNull("passport")
                    .put("preferred_locale", "en").put("company", "").put("vat_number", "");
            ObjectNode c = Json.MAPPER.createObjectNode();
            ObjectNode links = c.putObject("links").put("account", accountNumbers.get(accountId)).putNull("assignee");
            links.putArray("bookings").add(nextBooking++);
            links.putArray("inquiries");
            links.putArray("messages");
            links.putArray("participants");
            if (channel.equals("email")) {
                links.putNull("source");
            } else {
                links.put("source", channel.equals("airbnb") ? 9 : 11);
            }
            c.putNull("closed_at").put("created_at", TIME.format(created)).put("created_by_id", channel.equals("email") ? 1 : 38)
                    .put("created_by_type", channel.equals("email") ? "User" : "Doorkeeper::Application").putNull("deadline_response_at")
                    .put("default_channel", channel).put("id", nextConversation++).putNull("last_message_at").putNull("marked_as_spam_at")
                    .putNull("read_at");
            c.put("subject", channel.equals("email") ? "Booking #" + links.path("bookings").get(0).asLong() : null);
            c.put("updated_at", TIME.format(created));
            SimThread thread = new SimThread(c.path("id").asText(), c);
            thread.related.put("client", client);
            thread.related.put("booking", booking(accountNumbers.get(accountId), links.path("bookings").get(0).asLong(), 500 + i % 4,
                    clientId, links.path("source"), created));
            thread.related.put("participants", Json.MAPPER.createObjectNode());
            participant(account, thread, clientId, "Client", created);
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 1);
        }
        return account;
    }

    /** GET /bookings/:id (bookings_read): the fields the connector reads (links.rental, links.client) and the usual ones. */
    private static ObjectNode booking(long account, long id, long rental, long client, JsonNode source, Instant created) {
        ObjectNode b = Json.MAPPER.createObjectNode();
        b.putObject("links").put("account", account).put("rental", rental).put("client", client).set("source", source.deepCopy());
        ((ObjectNode) b.get("links")).putNull("inquiry");
        LocalDate start = LocalDate.ofInstant(created, ZoneOffset.UTC).plusDays(20);
        return b.put("id", id).put("start_at", start + "T16:00:00Z").put("end_at", start.plusDays(4) + "T10:00:00Z")
                .put("status", "Booked").put("reference", "BS" + id).put("adults", 2).put("children", 0).put("currency", "EUR")
                .put("final_price", "480.0").put("booked", true).put("unavailable", false).put("tentative_expires_at", (String) null)
                .put("created_at", TIME.format(created)).put("updated_at", TIME.format(created)).putNull("canceled_at");
    }

    private ObjectNode defaultHost(SimAccount account) {
        List<ObjectNode> list = hosts.computeIfAbsent(account.id, k -> new ArrayList<>());
        if (list.isEmpty()) {
            list.add(host(account, "Jan", "Kowalski", "host" + nextHost + "@example.com", seedStart().minusSeconds(86400L * 30)));
        }
        return list.get(0);
    }

    private ObjectNode host(SimAccount account, String first, String last, String email, Instant at) {
        ObjectNode h = Json.MAPPER.createObjectNode();
        h.putObject("links").put("account", accountNumbers.get(account.id)).putNull("source").putNull("user").putArray("participants");
        return h.put("id", nextHost++).put("firstname", first).put("lastname", last).put("email", email).put("created_at", TIME.format(at))
                .put("updated_at", TIME.format(at)).putNull("forget_me_at").putNull("processing_restricted_at");
    }

    private ArrayNode participants(SimThread t) {
        return t.related.computeIfAbsent("participants", k -> Json.MAPPER.createObjectNode()).withArray("participants");
    }

    private ObjectNode participant(SimAccount account, SimThread t, long memberId, String type, Instant at) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.putObject("links").put("conversation", t.record.path("id").asLong()).putObject("member").put("id", memberId).put("type", type);
        p.put("created_at", TIME.format(at)).put("id", nextParticipant++).putNull("last_message_sent_at").putNull("read_at")
                .put("updated_at", TIME.format(at));
        participants(t).add(p);
        ((ArrayNode) t.record.path("links").withArray("participants")).add(p.path("id").asLong());
        ObjectNode host = type.equals("Host") ? find(hosts.getOrDefault(account.id, List.of()), memberId) : null;
        if (host != null) {
            ((ArrayNode) host.path("links").withArray("participants")).add(p.path("id").asLong());
        }
        return p;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        ObjectNode sender = null;
        String type = message.fromGuest() ? "Client" : "Host";
        for (JsonNode p : participants(thread)) {
            if (type.equals(p.at("/links/member/type").asText()) && sender == null) {
                sender = (ObjectNode) p;
            }
        }
        if (sender == null) {
            long member = message.fromGuest() ? thread.related.get("client").path("id").asLong() : defaultHost(account).path("id").asLong();
            sender = participant(account, thread, member, type, message.at());
        }
        String channel = thread.record.path("default_channel").isTextual() ? thread.record.path("default_channel").asText() : null;
        String origin = !message.fromGuest() ? "bookingsync_inbox" : "airbnb".equals(channel) ? "airbnb_message"
                : "homeaway".equals(channel) ? "homeaway" : "email";
        return message(thread, sender, message.body(), channel, origin, "external", message.at(), message.at(),
                message.fromGuest() ? 38 : 1, message.fromGuest() ? "Doorkeeper::Application" : "User", null);
    }

    private ObjectNode message(SimThread t, ObjectNode sender, String content, String channel, String origin, String visibility,
                               Instant sentAt, Instant now, long createdBy, String createdByType, JsonNode attachmentIds) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        ObjectNode links = m.putObject("links").put("account", t.record.at("/links/account").asLong());
        ArrayNode att = links.putArray("attachments");
        if (attachmentIds != null) {
            attachmentIds.forEach(a -> att.add(a.asLong()));
        }
        links.put("conversation", t.record.path("id").asLong()).put("sender", sender.path("id").asLong());
        m.put("channel", channel).put("content", content).put("created_at", TIME.format(now)).put("created_by_id", createdBy)
                .put("created_by_type", createdByType).put("id", nextMessage++).put("origin", origin)
                .put("sent_at", sentAt == null ? null : TIME.format(sentAt)).put("updated_at", TIME.format(now)).put("visibility", visibility);
        t.messages.add(m);
        ((ArrayNode) t.record.path("links").withArray("messages")).add(m.path("id").asLong());
        Instant at = sentAt != null && sentAt.isAfter(now) ? sentAt : now;
        for (String f : new String[] {"last_message_at", "updated_at"}) {
            if (!t.record.path(f).isTextual() || Instant.parse(t.record.path(f).asText()).isBefore(at)) {
                t.record.put(f, TIME.format(at));
            }
        }
        sender.put("last_message_sent_at", TIME.format(at)).put("updated_at", TIME.format(now));
        return m;
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        if (ex.method().equals("POST") && ex.path().equals("/oauth/token")) {
            return token(ex);
        }
        if (ex.path().equals("/oauth/authorize")) {
            return consentPage.handle(ex, accounts); // the host allows our application (the connect page's OAuth flow)
        }
        String auth = ex.header("Authorization");
        Token token = auth != null && auth.startsWith("Bearer ") ? byAccess.get(auth.substring(7).trim()) : null;
        if (token == null || token.revoked || Instant.now().isAfter(token.expires)) {
            String why = token == null || token.revoked ? "The access token is invalid" : "The access token expired";
            return new SimResponse(401, "application/json; charset=utf-8", Json.MAPPER.createObjectNode().put("error", "invalid_token")
                    .put("error_description", why).toString(), Map.of("WWW-Authenticate",
                    "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"" + why + "\""));
        }
        if (token.previous != null) { // Doorkeeper revoke-on-use: the first use of a refreshed token revokes its predecessor
            token.previous.revoked = true;
            token.previous = null;
        }
        Admission admission = admit(ex, token.account);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        String host = ex.header("Host");
        apiBase = host == null ? apiBase : "http://" + host + "/bookingsync/api/v3";
        if (!ex.path().startsWith("/api/v3/")) {
            return error(404, "not_found", null, "Not found");
        }
        String[] p = ex.path().substring(8).split("/");
        String kind = p[0].equals("inbox") && p.length > 1 ? p[1] : p[0];
        String ids = p[0].equals("inbox") ? (p.length == 3 ? p[2] : null) : (p.length == 2 ? p[1] : null);
        boolean known = RELS.containsKey(kind) && p.length <= (p[0].equals("inbox") ? 3 : 2)
                && p[0].equals("inbox") == Set.of("conversations", "messages", "participants", "attachments").contains(kind);
        if (!known) {
            return error(404, "not_found", null, "Not found");
        }
        if (ex.method().equals("POST") && ids == null) {
            return switch (kind) {
                case "messages" -> send(ex, account);
                case "participants" -> createParticipant(ex, account);
                case "hosts" -> createHost(ex, account);
                default -> error(404, "not_found", null, "Not found");
            };
        }
        if (ex.method().equals("PUT") && kind.equals("participants") && ids != null) {
            ObjectNode part = find(all(account, kind), parseId(ids));
            JsonNode req = readJson(ex.body());
            if (part == null) {
                return error(404, "not_found", null, "Not found");
            }
            if (req == null || !req.path("participants").path(0).path("read").isBoolean()) {
                return error(422, "invalid", "read", "Only :read attribute is allowed");
            }
            boolean read = req.path("participants").path(0).path("read").asBoolean();
            part.put("read_at", read ? TIME.format(Instant.now()) : null).put("updated_at", TIME.format(Instant.now()));
            return list(ex, account, kind, List.of(part), 200, null);
        }
        if (!ex.method().equals("GET")) {
            return error(404, "not_found", null, "Not found");
        }
        List<ObjectNode> all = all(account, kind);
        if (ids == null) {
            return list(ex, account, kind, all, 200, null);
        }
        List<ObjectNode> picked = new ArrayList<>();
        for (String id : ids.split(",")) {
            ObjectNode o = find(all, parseId(id));
            if (o == null) {
                return error(404, "not_found", null, "Couldn't find all " + kind + " with ids " + ids);
            }
            picked.add(o);
        }
        return list(ex, account, kind, picked, 200, null);
    }

    private List<ObjectNode> all(SimAccount account, String kind) {
        Map<Long, ObjectNode> out = new TreeMap<>();
        if (kind.equals("hosts")) {
            hosts.getOrDefault(account.id, List.of()).forEach(h -> out.put(h.path("id").asLong(), h));
        }
        for (SimThread t : account.threads) {
            List<JsonNode> items = new ArrayList<>();
            switch (kind) {
                case "conversations" -> items.add(t.record);
                case "messages" -> items.addAll(t.messages);
                case "participants" -> participants(t).forEach(items::add);
                case "clients" -> items.add(t.related.get("client"));
                case "bookings" -> items.add(t.related.get("booking"));
                case "attachments" -> t.related.getOrDefault("attachments", Json.MAPPER.createObjectNode()).path("attachments").forEach(items::add);
                default -> { }
            }
            items.stream().filter(o -> o != null && o.isObject()).forEach(o -> out.put(o.path("id").asLong(), (ObjectNode) o));
        }
        return new ArrayList<>(out.values());
    }

    private static ObjectNode find(List<ObjectNode> list, long id) {
        return list.stream().filter(o -> o.path("id").asLong() == id).findFirst().orElse(null);
    }

    private static long parseId(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The paged envelope and headers every v3 collection answers with (also for GET by ids and for writes). */
    private SimResponse list(SimExchange ex, SimAccount account, String kind, List<ObjectNode> items, int status, String location) {
        String sinceText = ex.query().get("updated_since");
        Instant since = sinceText == null || sinceText.isBlank() ? null : parseTime(sinceText);
        if (sinceText != null && !sinceText.isBlank() && since == null) {
            return error(422, "invalid", "updated_since", "updated_since is not a valid time");
        }
        List<ObjectNode> shown = items.stream().filter(o -> since == null || !o.path("updated_at").isTextual()
                || !Instant.parse(o.path("updated_at").asText()).isBefore(since)).toList();
        int perPage = Math.max(1, Math.min(100, intParam(ex.query(), "per_page", 100)));
        int page = Math.max(1, intParam(ex.query(), "page", 1));
        int pages = Math.max(1, (shown.size() + perPage - 1) / perPage);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("links", templates(kind));
        ArrayNode arr = body.putArray(kind);
        shown.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(arr::add);
        ObjectNode meta = body.putObject("meta");
        ObjectNode link = meta.putObject("Link");
        StringBuilder header = new StringBuilder();
        Map<String, Integer> rels = new LinkedHashMap<>();
        rels.put("first", 1);
        if (page > 1) {
            rels.put("prev", Math.min(page - 1, pages));
        }
        if (page < pages) {
            rels.put("next", page + 1);
        }
        rels.put("last", pages);
        String path = apiBase + ex.path().substring(7);
        rels.forEach((rel, n) -> {
            Map<String, String> q = new TreeMap<>(ex.query());
            q.put("page", Integer.toString(n));
            String url = path + "?" + dev.pmsconversations.source.PmsHttp.encode(q);
            link.put(rel, url);
            header.append(header.length() == 0 ? "" : ", ").append('<').append(url).append(">; rel=\"").append(rel).append('"');
        });
        meta.put("X-Total-Pages", Integer.toString(pages)).put("X-Total-Count", Integer.toString(shown.size())).put("X-Per-Page", Integer.toString(perPage));
        if (since != null) {
            meta.putArray("deleted_ids");
        }
        Map<String, String> headers = rateHeaders(account);
        headers.put("Link", header.toString());
        headers.put("X-Total-Pages", Integer.toString(pages));
        headers.put("X-Total-Count", Integer.toString(shown.size()));
        headers.put("X-Per-Page", Integer.toString(perPage));
        if (location != null) {
            headers.put("Location", location);
        }
        return new SimResponse(status, CT, body.toString(), headers);
    }

    private ObjectNode templates(String kind) {
        ObjectNode links = Json.MAPPER.createObjectNode();
        for (String rel : RELS.get(kind)) {
            String[] r = rel.split(":");
            String[] target = r[1].split("=");
            links.put(kind + "." + r[0], apiBase + "/" + target[0] + "/{" + kind + "." + (target.length > 1 ? target[1] : r[0]) + "}");
        }
        return links;
    }

    private Map<String, String> rateHeaders(SimAccount account) {
        long hour = Instant.now().getEpochSecond() / 3600;
        long[] c = hourly.computeIfAbsent(account.id, k -> new long[2]);
        if (c[0] != hour) {
            c[0] = hour;
            c[1] = 0;
        }
        c[1]++;
        Map<String, String> h = new HashMap<>();
        h.put("X-RateLimit-Limit", "1000");
        h.put("X-RateLimit-Remaining", Long.toString(Math.max(0, 1000 - c[1])));
        h.put("X-RateLimit-Reset", Long.toString((hour + 1) * 3600));
        h.put("X-Updated-Since-Request-Synced-At", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now()));
        return h;
    }

    /** POST /inbox/messages {"messages":[{content, origin, visibility, conversation_id, sender_id, channel?, sent_at, attachment_ids?}]}. */
    private SimResponse send(SimExchange ex, SimAccount account) {
        JsonNode req = readJson(ex.body());
        JsonNode items = req == null ? null : req.path("messages");
        if (items == null || !items.isArray() || items.isEmpty()) {
            return error(422, "blank", "messages", "messages is missing or empty");
        }
        for (JsonNode m : items) {
            SimThread t = account.thread(m.path("conversation_id").asText(""));
            String visibility = m.path("visibility").asText("");
            JsonNode sender = t == null ? null : find(all(account, "participants"), m.path("sender_id").asLong(-1));
            String problem = t == null ? "conversation_id:conversation must exist"
                    : sender == null || sender.at("/links/conversation").asLong() != t.record.path("id").asLong()
                    ? "sender_id:sender must be a participant of the conversation"
                    : !"Host".equals(sender.at("/links/member/type").asText()) ? "sender_id:only Host participants can send messages"
                    : !m.path("content").isTextual() || m.path("content").asText().isBlank() ? "content:can't be blank"
                    : !ORIGINS.contains(m.path("origin").asText("")) ? "origin:is not included in the list"
                    : !Set.of("internal", "external").contains(visibility) ? "visibility:is not included in the list"
                    : !m.path("sent_at").isTextual() || parseTime(m.path("sent_at").asText()) == null ? "sent_at:can't be blank"
                    : m.hasNonNull("channel") && !Set.of(CHANNELS).contains(m.path("channel").asText()) ? "channel:is not included in the list"
                    : m.hasNonNull("channel") && visibility.equals("internal") ? "visibility:internal can't be used with a channel"
                    : null;
            for (JsonNode a : m.path("attachment_ids")) {
                problem = problem == null && find(all(account, "attachments"), a.asLong()) == null ? "attachment_ids:attachment not found" : problem;
            }
            if (problem != null) {
                String[] f = problem.split(":", 2);
                return error(422, "validation_failed", f[0], f[1]);
            }
        }
        List<ObjectNode> created = new ArrayList<>();
        for (JsonNode m : items) {
            SimThread t = account.thread(m.path("conversation_id").asText());
            ObjectNode sender = find(all(account, "participants"), m.path("sender_id").asLong());
            ObjectNode msg = message(t, sender, m.path("content").asText(), m.hasNonNull("channel") ? m.path("channel").asText() : null,
                    m.path("origin").asText(), m.path("visibility").asText(), parseTime(m.path("sent_at").asText()), Instant.now(),
                    38, "Doorkeeper::Application", m.path("attachment_ids"));
            created.add(msg);
            sent(ex, account, t, req, msg);
        }
        return list(ex, account, "messages", created, 201, apiBase + "/inbox/messages/" + created.get(0).path("id").asLong());
    }

    /** POST /inbox/participants {"participants":[{member_id, member_type, conversation_id, read?}]}. */
    private SimResponse createParticipant(SimExchange ex, SimAccount account) {
        JsonNode req = readJson(ex.body());
        JsonNode p = req == null ? null : req.path("participants").path(0);
        SimThread t = p == null ? null : account.thread(p.path("conversation_id").asText(""));
        String type = p == null ? "" : p.path("member_type").asText("");
        long member = p == null ? -1 : p.path("member_id").asLong(-1);
        String problem = p == null || !p.isObject() ? "participants:is missing" : t == null ? "conversation_id:conversation must exist"
                : !Set.of("Host", "Client").contains(type) ? "member_type:must be Client or Host"
                : type.equals("Host") ? (find(hosts.getOrDefault(account.id, List.of()), member) == null ? "member_id:member must exist" : null)
                : (t.related.get("client") == null || t.related.get("client").path("id").asLong() != member ? "member_id:member must exist" : null);
        if (problem == null) {
            for (JsonNode x : participants(t)) {
                if (x.at("/links/member/id").asLong() == member && type.equals(x.at("/links/member/type").asText())) {
                    problem = "member_id:has already been taken";
                }
            }
        }
        if (problem != null) {
            String[] f = problem.split(":", 2);
            return error(422, "validation_failed", f[0], f[1]);
        }
        ObjectNode created = participant(account, t, member, type, Instant.now());
        if (p.path("read").asBoolean(false)) {
            created.put("read_at", TIME.format(Instant.now()));
        }
        return list(ex, account, "participants", List.of(created), 201, apiBase + "/inbox/participants/" + created.path("id").asLong());
    }

    /** POST /hosts {"hosts":[{firstname, lastname, email?}]}. */
    private SimResponse createHost(SimExchange ex, SimAccount account) {
        JsonNode req = readJson(ex.body());
        JsonNode h = req == null ? null : req.path("hosts").path(0);
        if (h == null || h.path("firstname").asText("").isBlank() || h.path("lastname").asText("").isBlank()) {
            return error(422, "validation_failed", "firstname", "firstname and lastname can't be blank");
        }
        ObjectNode host = host(account, h.path("firstname").asText(), h.path("lastname").asText(),
                h.hasNonNull("email") ? h.path("email").asText() : null, Instant.now());
        hosts.computeIfAbsent(account.id, k -> new ArrayList<>()).add(host);
        return list(ex, account, "hosts", List.of(host), 201, apiBase + "/hosts/" + host.path("id").asLong());
    }

    /**
     * POST /oauth/token (Doorkeeper): grant_type=refresh_token rotates the refresh token (the account's own client, or the
     * partner app for an account that authorized it); grant_type=authorization_code (the app) answers the first tokens.
     */
    private SimResponse token(SimExchange ex) {
        Map<String, String> form = PmsSimulator.parseForm(ex.body());
        form.putAll(ex.query());
        boolean app = APP_CLIENT_ID.equals(form.get("client_id")) && APP_CLIENT_SECRET.equals(form.get("client_secret"));
        SimAccount a = accounts.values().stream().filter(x -> x.credentials.get("clientId").equals(form.get("client_id"))).findFirst().orElse(null);
        if (!app && (a == null || !a.credentials.get("clientSecret").equals(form.get("client_secret")))) {
            return oauthError(401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.");
        }
        Token old = null;
        if (app && "authorization_code".equals(form.get("grant_type"))) {
            String[] granted = consentPage.redeem(form.get("code"));
            if (granted == null || !granted[1].equals(form.get("redirect_uri"))) {
                return oauthError(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.");
            }
            a = accounts.get(granted[0]);
        } else if (!"refresh_token".equals(form.get("grant_type"))) {
            return oauthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
        } else {
            old = byRefresh.get(form.getOrDefault("refresh_token", ""));
            if (app && old != null) {
                a = accounts.get(old.account);
            }
            if (old == null || old.revoked || a == null || !old.account.equals(a.id)) {
                return oauthError(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.");
            }
        }
        ex.record(key(), a.id);
        Token t = new Token();
        long n = nextToken++;
        t.access = hex(a.id + "/access/" + n);
        t.refresh = hex(a.id + "/refresh/" + n);
        t.account = a.id;
        t.expires = Instant.now().plusSeconds(7200);
        t.previous = old;
        byAccess.put(t.access, t);
        byRefresh.put(t.refresh, t);
        return new SimResponse(200, "application/json; charset=utf-8", Json.MAPPER.createObjectNode().put("access_token", t.access)
                .put("token_type", "bearer").put("expires_in", 7200).put("refresh_token", t.refresh)
                .put("scope", "inbox_read inbox_write clients_read").toString(),
                Map.of("Cache-Control", "no-store", "Pragma", "no-cache"));
    }

    private static SimResponse oauthError(int status, String error, String description) {
        return new SimResponse(status, "application/json; charset=utf-8",
                Json.MAPPER.createObjectNode().put("error", error).put("error_description", description).toString(), Map.of());
    }

    private static SimResponse error(int status, String code, String field, String title) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.putArray("errors").addObject().put("code", code).put("field", field).put("title", title);
        return new SimResponse(status, CT, e.toString(), Map.of());
    }

    /** ISO 8601 (Z or offset, a '+' decoded to ' ' is restored), "yyyy-MM-dd HH:mm:ss UTC" or a date; null if none. */
    static Instant parseTime(String text) {
        String s = text.trim().replaceFirst(" (\\d{2}:?\\d{2})$", "+$1");
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (RuntimeException e) {
            s = s.replaceFirst(" ?UTC$", "").replace(' ', 'T');
        }
        try {
            return s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant() : LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** inbox_message_created: {account_id, event, resource: {links, message}}, signed X-Content-Signature. */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("account_id", thread.record.at("/links/account").asLong())
                .put("event", "inbox_message_created");
        ObjectNode resource = body.putObject("resource");
        resource.set("links", templates("messages"));
        resource.set("message", message);
        String text = body.toString();
        return new WebhookCall(text, Map.of("X-Content-Signature", signature(secrets.get("webhookSecret"), text),
                "User-Agent", "BookingSync Webhook Delivery"), Map.of());
    }

    /** hex HMAC-SHA1 over Ruby's Base64.encode64(body): 60-character lines, each ended by "\n". */
    static String signature(String secret, String body) {
        String b64 = java.util.Base64.getMimeEncoder(60, new byte[] {'\n'}).encodeToString(body.getBytes(StandardCharsets.UTF_8));
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return java.util.HexFormat.of().formatHex(mac.doFinal((b64.isEmpty() ? "" : b64 + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
