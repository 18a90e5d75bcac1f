package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Your.Rentals API (docs.your.rentals, developers.your.rentals; see docs/research/yourrentals.md). THIN-DOC SOURCE:
 * the public docs show only environments, Bearer auth and {@code GET /v1/listings}; no messaging endpoint is public.
 * <p>DOCUMENTED (docs.your.rentals / developers.your.rentals / Calry guide):
 * <ul>
 * <li>Base {@code https://api.your.rentals} (test {@code https://api-dev.your.rentals}), version in the path
 * ({@code /v1}); served here as {@code /yourrentals/v1/...}.</li>
 * <li>{@code Authorization: Bearer <token>}; hosts generate a long-lived key under Marketplace &gt; API key
 * generator (Calry guide). Credential key {@code apiKey}.</li>
 * <li>{@code GET /v1/listings} answers a bare JSON array of listings {id (int), active, referenceNumber, rentalType,
 * rentalBasis, entrance, bookingType, maxGuest, description.{LANG}.{headline, summary, description, autoTranslated}}:
 * served from each thread's {@code related.listing}. Keys are camelCase.</li>
 * <li>Bookings have an id ("booking reference (booking id)"), status {@code confirmed | pendingConfirm},
 * {@code confirmationUrl}, {@code paymentUrl}; amounts in EUR; sales channels have a 4-character id.</li>
 * </ul>
 * <p>ASSUMED (nothing public; chosen to match the documented style: /v1 paths, camelCase, bare arrays, int ids):
 * <ul>
 * <li>{@code GET /v1/conversations?page=1&limit=50[&updatedSince=ISO][&statuses=unread]}: bare array of conversation
 * records, newest activity first (the host app sorts its /conversations inbox newest first and filters
 * {@code ?statuses=unread}: public QA repo of the web app). No total: paging ends on a short page. limit 1..100.</li>
 * <li>{@code GET /v1/conversations/{id}}: the same record. {@code GET /v1/conversations/{id}/messages?page&limit}:
 * bare array, oldest first.</li>
 * <li>{@code POST /v1/conversations/{id}/messages {"body": "..."}} -> 201 with the created message (id at /id);
 * 422 {@code {"message": ..., "errors": {"body": [...]}}} when body is missing or blank.</li>
 * <li>{@code GET /v1/bookings/{id}}: the booking a conversation points to ({@code related.booking}).</li>
 * <li>Conversation: id, externalId (OTA thread id, null for direct), listingId, bookingId (null for an inquiry),
 * status (inquiry | offer | pendingConfirm | confirmed; the UI shows "Inquiry"), salesChannel {id, name},
 * guest {firstName, lastName, email, phone, language, avatarUrl} (the inquiry form collects first/last name + email,
 * booking offers phone + language), checkIn, checkOut, adults, children, infants, unread, lastMessage,
 * lastMessageAt, createdAt, updatedAt. Times ISO 8601 UTC with offset ({@code 2025-01-10T08:00:00Z}).</li>
 * <li>Message: id, conversationId, sender guest | host | system, senderName, body (plain text), channel web | email
 * (guests may reply to the notification e-mail: help-center article), automatic, status sent | delivered | failed,
 * read, createdAt, updatedAt, attachments [{id, fileName, url, mimeType, size}].</li>
 * <li>Errors {@code {"message": "..."}}: 401 "Unauthenticated.", 404 "Not found.". No rate-limit contract.</li>
 * <li>Webhook: NONE documented (Calry's Your.Rentals guide has no webhook section; connectors should poll). Only so
 * the simulator can run its generic webhook path: POST {@code {event: "message.created", conversationId, message}}
 * with the secret {@code webhookToken} in query {@code token}. Do not build a connector on it.</li>
 * </ul>
 */
final class YourRentalsSim extends SimSource {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX").withZone(ZoneOffset.UTC);
    private static final SimResponse UNAUTHENTICATED = SimResponse.json(401, "{\"message\":\"Unauthenticated.\"}");
    private static final SimResponse NOT_FOUND = SimResponse.json(404, "{\"message\":\"Not found.\"}");
    private long nextConversationId = 81000;
    private long nextMessageId = 7_000_000;
    private long nextAttachmentId = 90_000;

    YourRentalsSim(long seed) {
        super(seed);
    }

    @Override
    public String key() {
        return "yourrentals";
    }

    @Override
    protected SimAccount newAccount(String id) {
        return new SimAccount(id, Map.of("apiKey", "yr-api-key-" + id));
    }

    @Override
    public SimThread load(String accountId, JsonNode bundle) {
        SimThread thread = super.load(accountId, bundle);
        nextConversationId = Math.max(nextConversationId, thread.record.path("id").asLong() + 1);
        thread.messages.forEach(m -> nextMessageId = Math.max(nextMessageId, m.path("id").asLong() + 1));
        return thread;
    }

    @Override
    public SimAccount seed(String accountId, int threads, int messages) {
        SimAccount account = accounts.computeIfAbsent(accountId, this::newAccount);
        Instant t0 = seedStart();
        for (int i = 0; i < threads; i++) {
            String[] name = guestName(i + 1).split(" ");
            long listingId = 390818 + i % 2;
            boolean booked = i % 2 == 0;
            Instant created = t0.plusSeconds(3600L * i - 600);
            ObjectNode c = Json.MAPPER.createObjectNode().put("id", nextConversationId++).putNull("externalId")
                    .put("listingId", listingId);
            if (booked) {
                c.put("bookingId", 5_523_000 + i);
            } else {
                c.putNull("bookingId");
            }
            c.put("status", booked ? "confirmed" : "inquiry");
            c.putObject("salesChannel").put("id", "YRDB").put("name", "Your.Rentals");
            c.putObject("guest").put("firstName", name[0]).put("lastName", name[1])
                    .put("email", name[0].toLowerCase() + "." + name[1].toLowerCase() + "@guest.example")
                    .put("phone", booked ? "+45 20 12 3" + (400 + i) : null).put("language", "EN").putNull("avatarUrl");
            String checkIn = local(t0.plusSeconds(86400L * (14 + i)), ZoneOffset.UTC, "yyyy-MM-dd");
            c.put("checkIn", checkIn).put("checkOut", local(t0.plusSeconds(86400L * (17 + i)), ZoneOffset.UTC, "yyyy-MM-dd"))
                    .put("adults", 2).put("children", i % 3 == 0 ? 1 : 0).put("infants", 0)
                    .put("unread", false).put("lastMessage", "").put("lastMessageAt", TIME.format(created))
                    .put("createdAt", TIME.format(created)).put("updatedAt", TIME.format(created));
            SimThread thread = new SimThread(c.path("id").asText(), c);
            thread.related.put("listing", listing(listingId));
            if (booked) {
                thread.related.put("booking", booking(c));
            }
            account.threads.add(thread);
            seedMessages(account, thread, i, messages, t0, 0);
        }
        return account;
    }

    private static ObjectNode listing(long id) {
        ObjectNode l = Json.MAPPER.createObjectNode().put("id", id).put("active", true)
                .put("referenceNumber", id % 2 == 0 ? "Flat A" : "Flat B").put("rentalType", "Apartment")
                .put("rentalBasis", "Entire house or apartment").put("entrance", "Private").put("bookingType", "instant")
                .put("maxGuest", 4);
        l.putObject("description").putObject("EN").put("headline", "Bright flat near the harbour")
                .put("summary", "Two bedrooms, balcony, five minutes from the beach.").put("description", "")
                .put("autoTranslated", false);
        return l;
    }

    private static ObjectNode booking(ObjectNode c) {
        long id = c.path("bookingId").asLong();
        ObjectNode b = Json.MAPPER.createObjectNode().put("id", id).put("listingId", c.path("listingId").asLong())
                .put("status", "confirmed").put("salesChannelId", "YRDB")
                .put("checkIn", c.path("checkIn").asText()).put("checkOut", c.path("checkOut").asText())
                .put("adults", c.path("adults").asInt()).put("children", c.path("children").asInt()).put("infants", 0);
        b.set("guest", c.path("guest").deepCopy());
        b.put("totalPrice", 420.0).put("currency", "EUR")
                .put("confirmationUrl", "https://goto.your.rentals/booking/" + id + "/confirmation")
                .put("paymentUrl", "https://goto.your.rentals/booking/" + id + "/payment")
                .put("createdAt", c.path("createdAt").asText());
        return b;
    }

    @Override
    public ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message) {
        ObjectNode g = (ObjectNode) thread.record.path("guest");
        String at = TIME.format(message.at());
        ObjectNode m = Json.MAPPER.createObjectNode().put("id", nextMessageId++).put("conversationId", thread.record.path("id").asLong())
                .put("sender", message.fromGuest() ? "guest" : "host")
                .put("senderName", message.fromGuest() ? g.path("firstName").asText() + " " + g.path("lastName").asText() : "Host")
                .put("body", message.body()).put("channel", "web").put("automatic", false)
                .put("status", message.fromGuest() ? "delivered" : "sent").put("read", !message.fromGuest())
                .put("createdAt", at).put("updatedAt", at);
        m.putArray("attachments");
        thread.messages.add(m);
        thread.record.put("lastMessage", message.body()).put("lastMessageAt", at).put("updatedAt", at)
                .put("unread", message.fromGuest());
        return m;
    }

    @Override
    public SimResponse handle(SimExchange ex) {
        String auth = ex.header("Authorization");
        String key = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
        SimAccount known = key == null ? null : accounts.values().stream()
                .filter(a -> key.equals(a.credentials.get("apiKey"))).findFirst().orElse(null);
        if (known == null) {
            return UNAUTHENTICATED;
        }
        Admission admission = admit(ex, known.id);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        SimAccount account = admission.account();
        String[] p = ex.path().split("/"); // "", "v1", resource, id, sub
        if (p.length < 3 || !p[1].equals("v1")) {
            return NOT_FOUND;
        }
        int page = Math.max(1, intParam(ex.query(), "page", 1));
        int limit = intParam(ex.query(), "limit", 50);
        if (limit < 1 || limit > 100) {
            return SimResponse.json(422, "{\"message\":\"The limit must be between 1 and 100.\",\"errors\":{\"limit\":[\"The limit must be between 1 and 100.\"]}}");
        }
        String method = ex.method();
        if (p[2].equals("listings") && p.length == 3 && method.equals("GET")) {
            Map<Long, ObjectNode> listings = new LinkedHashMap<>();
            account.threads.forEach(t -> {
                ObjectNode l = t.related.get("listing");
                if (l != null) {
                    listings.putIfAbsent(l.path("id").asLong(), l);
                }
            });
            return SimResponse.json(200, Json.MAPPER.valueToTree(listings.values()).toString());
        }
        if (p[2].equals("bookings") && p.length == 4 && method.equals("GET")) {
            return account.threads.stream().map(t -> t.related.get("booking"))
                    .filter(b -> b != null && b.path("id").asText().equals(p[3])).findFirst()
                    .map(b -> SimResponse.json(200, b.toString())).orElse(NOT_FOUND);
        }
        if (!p[2].equals("conversations")) {
            return NOT_FOUND;
        }
        if (p.length == 3 && method.equals("GET")) {
            Instant since;
            try {
                since = ex.query().containsKey("updatedSince") ? OffsetDateTime.parse(ex.query().get("updatedSince")).toInstant() : null;
            } catch (DateTimeParseException e) {
                return SimResponse.json(422, "{\"message\":\"The updated since is not a valid date.\",\"errors\":{\"updatedSince\":[\"The updated since is not a valid date.\"]}}");
            }
            boolean unreadOnly = "unread".equals(ex.query().get("statuses"));
            List<ObjectNode> all = account.threads.stream().map(t -> t.record)
                    .filter(c -> since == null || !Instant.parse(c.path("updatedAt").asText()).isBefore(since))
                    .filter(c -> !unreadOnly || c.path("unread").asBoolean())
                    .sorted(Comparator.comparing((ObjectNode c) -> Instant.parse(c.path("lastMessageAt").asText()))
                            .thenComparing(c -> c.path("id").asLong()).reversed())
                    .toList();
            return SimResponse.json(200, slice(all, page, limit));
        }
        SimThread thread = p.length >= 4 ? account.thread(p[3]) : null;
        if (thread == null) {
            return NOT_FOUND;
        }
        if (p.length == 4 && method.equals("GET")) {
            return SimResponse.json(200, thread.record.toString());
        }
        if (p.length != 5 || !p[4].equals("messages")) {
            return NOT_FOUND;
        }
        if (method.equals("GET")) {
            return SimResponse.json(200, slice(thread.messages, page, limit));
        }
        if (method.equals("POST")) {
            JsonNode req = readJson(ex.body());
            if (req == null || !req.path("body").isTextual() || req.path("body").asText().isBlank()) {
                return SimResponse.json(422, "{\"message\":\"The body field is required.\",\"errors\":{\"body\":[\"The body field is required.\"]}}");
            }
            ObjectNode m = addMessage(account, thread, new NewMessage(req.path("body").asText(), false, Instant.now()));
            sent(ex, account, thread, req, m);
            return SimResponse.json(201, m.toString());
        }
        return SimResponse.json(405, "{\"message\":\"Method not allowed.\"}");
    }

    /** A page is a bare JSON array, as {@code GET /v1/listings} answers (documented); no envelope, no total. */
    private static String slice(List<ObjectNode> all, int page, int limit) {
        var arr = Json.MAPPER.createArrayNode();
        all.stream().skip((long) (page - 1) * limit).limit(limit).forEach(arr::add);
        return arr.toString();
    }

    /** ASSUMED (no Your.Rentals webhook is documented): exists only so the simulator's generic webhook path runs. */
    @Override
    public WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                               Map<String, String> secrets, Instant now) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("event", "message.created")
                .put("conversationId", thread.record.path("id").asLong());
        body.set("message", message.deepCopy());
        String token = secrets.get("webhookToken");
        return new WebhookCall(body.toString(), Map.of(), token == null ? Map.of() : Map.of("token", token));
    }
}
