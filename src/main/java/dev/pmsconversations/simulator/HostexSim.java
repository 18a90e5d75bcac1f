package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Hostex open API v3 (base https://api.hostex.io/v3; reference hostex-openapi.readme.io, restated in
 * keithah/hostex-python docs/API.md; wire structs in keithah/matrix-hostex-bridge pkg/hostexapi/client.go; see
 * docs/research/hostex.md). Header {@code Hostex-Access-Token}. Every answer is the envelope
 * {@code {request_id, error_code, error_msg, data}}, error_code 200 / error_msg "Done." on success.
 * GET /conversations?offset&amp;limit -> data {conversations: [{id, channel_type, last_message_at, property_title,
 * check_in_date, check_out_date, guest {name, email, phone}}]}; GET /conversations/{id} -> data {id, channel_type,
 * guest, activities [{activity_type, reservation_code, check_in_date, check_out_date, listing_id, property {id, title,
 * cover_url, room_type}}], note, messages [{id, sender_role, display_type, content, attachment, created_at}]};
 * POST /conversations/{id} {message | jpeg_base64} -> envelope with data null (no message id: the docs and every
 * client say the send answers success/failure only). Webhook {@code message_created} is a thin ping.
 * <p>Decisions where the docs are silent (evidence in docs/research/hostex.md):
 * <ul>
 * <li>Errors: HTTP status = error_code (400, 401, 404, 405) with the same envelope and data null (a PHP client saw
 * "Hostex mirrors the HTTP status into the body"; hostex-chat and a NestJS client treat !ok as failure).</li>
 * <li>/conversations: {@code offset} required (400 without it; bridge: "Conversations API requires offset"),
 * {@code limit} default 20, 1..100 else 400 (docs: max 100). Sorted last_message_at newest first (bridge syncs
 * "the last 10" = first 10); no {@code total} (only hostex-go reads one; paging ends on a short page).</li>
 * <li>Ids are strings. Times ISO 8601 with offset, UTC, e.g. 2025-06-20T09:12:00+00:00 (clients parse RFC 3339).</li>
 * <li>messages newest first (bridge: "Messages are in reverse chronological order"), all of them, no paging.
 * sender_role guest|host only (automations come out as host); display_type Text | Image | TextWithImage;
 * attachment null or {type: "image", fullback_url}; an image-only message has content "".</li>
 * <li>A sent jpeg_base64 (must decode) becomes an Image (or TextWithImage with message) with a CDN fullback_url.</li>
 * <li>Webhook body {event: "message_created", conversation_id, message_id, timestamp}, header
 * {@code Hostex-Webhook-Secret-Token} = secret {@code webhookToken} compared as a plain string (docs quoted by
 * hostex-autoreply: a token unique to the webhook URL, constant); fired for guest and host messages.</li>
 * </ul>
 */
final class HostexSim extends SimSource {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);
    private static final String[] CHANNELS = {"airbnb", "booking.com", "vrbo", "hostex_direct"};
    private static final String[] PROPERTIES = {"Sea View Flat", "Old Town Loft", "Garden Cottage"};
    private long nextId = 90000000;
    private long requests = 0;

    HostexSim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "hostex";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("accessToken", "hostex-token-" + id));
    }

    /** The fixture's conversation is a list item; its detail (activities, note) comes from related.detail. */
    @Override
    public SimThread load(String accountId, JsonNode bundle) {
        SimThread thread = super.load(accountId, bundle);
        if (!thread.related.containsKey("detail")) {
            ObjectNode d = Json.MAPPER.createObjectNode().put("id", thread.id).put("channel_type", thread.record.path("channel_type").asText());
            d.set("guest", thread.record.path("guest").deepCopy());
            d.putArray("activities");
            d.putNull("note");
            thread.related.put("detail", d);
        }
        for (ObjectNode m : thread.messages) {
            try {
                nextId = Math.max(nextId, Long.parseLong(m.path("id").asText()) + 1);
            } catch (NumberFormatException ignored) {
                // non-numeric fixture ids do not collide with generated ones
            }
        }
        return thread;
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        for (int i = 0; i < threads; i++) {
            String id = UUID.nameUUIDFromBytes((accountId + "/" + i).getBytes(StandardCharsets.UTF_8)).toString().replace("-", "").substring(0, 12);
            String name = guestName(i);
            String checkIn = "2025-02-" + String.format("%02d", 1 + i % 20);
            String checkOut = "2025-02-" + String.format("%02d", 4 + i % 20);
            ObjectNode guest = Json.MAPPER.createObjectNode().put("name", name)
                    .put("email", name.toLowerCase().replace(' ', '.') + "@guest.example").put("phone", "+351 91200" + (1000 + i));
            ObjectNode item = Json.MAPPER.createObjectNode().put("id", id).put("channel_type", CHANNELS[i % CHANNELS.length])
                    .put("last_message_at", TIME.format(seedStart())).put("property_title", PROPERTIES[i % PROPERTIES.length])
                    .put("check_in_date", checkIn).put("check_out_date", checkOut);
            item.set("guest", guest);
            ObjectNode detail = Json.MAPPER.createObjectNode().put("id", id).put("channel_type", item.path("channel_type").asText());
            detail.set("guest", guest.deepCopy());
            ObjectNode activity = detail.putArray("activities").addObject().put("activity_type", "reservation")
                    .put("reservation_code", "0-HM" + (4100 + i) + "ABC-" + id.substring(0, 6))
                    .put("check_in_date", checkIn).put("check_out_date", checkOut).put("listing_id", String.valueOf(12051776 + i % 3));
            activity.putObject("property").put("id", 10001 + i % 3).put("title", PROPERTIES[i % PROPERTIES.length])
                    .put("cover_url", "https://img.hostex.example/properties/" + (10001 + i % 3) + "/cover.jpeg").putNull("room_type");
            detail.putNull("note");
            SimThread thread = new SimThread(id, item);
            thread.related.put("detail", detail);
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, seedStart(), 0);
        }
        return account;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        return render(thread, message.body(), null, message.fromGuest(), message.at());
    }

    /** Newest first, as GET /conversations/{id} lists them; moves the list item's last_message_at. */
    private ObjectNode render(SimThread thread, String text, String imageUrl, boolean fromGuest, Instant at) {
        ObjectNode m = Json.MAPPER.createObjectNode().put("id", String.valueOf(nextId++))
                .put("sender_role", fromGuest ? "guest" : "host")
                .put("display_type", imageUrl == null ? "Text" : text.isEmpty() ? "Image" : "TextWithImage")
                .put("content", text);
        if (imageUrl == null) {
            m.putNull("attachment");
        } else {
            m.putObject("attachment").put("type", "image").put("fullback_url", imageUrl);
        }
        m.put("created_at", TIME.format(at));
        thread.messages.add(0, m);
        thread.record.put("last_message_at", m.path("created_at").asText());
        return m;
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        String token = ex.header("Hostex-Access-Token");
        SimAccount known = token == null ? null : accounts.values().stream()
                .filter(a -> token.equals(a.credentials.get("accessToken"))).findFirst().orElse(null);
        if (known == null) {
            return envelope(401, "Invalid access token.", null);
        }
        Admission admission = admit(ex, known.id);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        String[] p = ex.path().split("/");
        if (p.length < 2 || !p[1].equals("conversations") || p.length > 3) {
            return envelope(404, "Not found.", null);
        }
        if (p.length == 2) {
            if (!ex.method().equals("GET")) {
                return envelope(405, "Method not allowed.", null);
            }
            if (!ex.query().containsKey("offset")) {
                return envelope(400, "offset is required.", null);
            }
            int offset = intParam(ex.query(), "offset", -1);
            int limit = intParam(ex.query(), "limit", 20);
            if (offset < 0 || limit < 1 || limit > 100) {
                return envelope(400, "offset must be >= 0 and limit between 1 and 100.", null);
            }
            List<ObjectNode> all = account.threads.stream().map(t -> t.record)
                    .sorted(Comparator.comparing((ObjectNode c) -> java.time.OffsetDateTime.parse(c.path("last_message_at").asText()).toInstant()).reversed()
                            .thenComparing(c -> c.path("id").asText())).toList();
            ObjectNode data = Json.MAPPER.createObjectNode();
            var arr = data.putArray("conversations");
            all.stream().skip(offset).limit(limit).forEach(arr::add);
            return envelope(200, "Done.", data);
        }
        SimThread thread = account.thread(p[2]);
        if (thread == null) {
            return envelope(404, "Conversation not found.", null);
        }
        if (ex.method().equals("GET")) {
            ObjectNode data = thread.related.get("detail").deepCopy();
            data.putArray("messages").addAll(thread.messages);
            return envelope(200, "Done.", data);
        }
        if (!ex.method().equals("POST")) {
            return envelope(405, "Method not allowed.", null);
        }
        JsonNode req = readJson(ex.body());
        String text = req == null ? "" : req.path("message").asText("");
        String jpeg = req == null ? "" : req.path("jpeg_base64").asText("");
        if (req == null || !req.isObject() || (text.isBlank() && jpeg.isBlank())) {
            return envelope(400, "message or jpeg_base64 is required.", null);
        }
        String imageUrl = null;
        if (!jpeg.isBlank()) {
            try {
                Base64.getDecoder().decode(jpeg.replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                return envelope(400, "jpeg_base64 is not valid base64.", null);
            }
            imageUrl = "https://prod-cdn.hostex.example/chat/RQX" + nextId + ".jpeg/xlarge";
        }
        ObjectNode m = render(thread, text, imageUrl, false, Instant.now());
        sent(ex, account, thread, req, m);
        return envelope(200, "Done.", null);
    }

    /** Thin ping: the receiver re-reads GET /conversations/{conversation_id}. */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("event", "message_created").put("conversation_id", thread.id)
                .put("message_id", message.path("id").asText()).put("timestamp", TIME.format(now));
        return new WebhookCall(body.toString(), Map.of("Hostex-Webhook-Secret-Token", secrets.get("webhookToken")), Map.of());
    }

    private SimResponse envelope(int code, String msg, ObjectNode data) {
        ObjectNode o = Json.MAPPER.createObjectNode()
                .put("request_id", UUID.nameUUIDFromBytes(("hostex-request-" + requests++).getBytes(StandardCharsets.UTF_8)).toString())
                .put("error_code", code).put("error_msg", msg);
        o.set("data", data == null ? Json.MAPPER.nullNode() : data);
        return SimResponse.json(code, o.toString());
    }
}
