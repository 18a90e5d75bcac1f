package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One simulated PMS: its native HTTP API, written from the PMS's public docs (see
 * ../shared/reference/pms/), deliberately independent of mappings/ so a wrong mapping fails a test.
 */
public abstract class SimSource {
    protected static final String[] FIRST = {"Ana", "Ben", "Chloe", "David", "Emma", "Felix", "Greta", "Hugo", "Ines", "Jonas"};
    protected static final String[] LAST = {"Silva", "Meyer", "Rossi", "Dubois", "Novak", "Larsen", "Garcia", "Kowalski"};
    protected static final String[] GUEST_LINES = {"Hi! What time can we check in?", "Is there parking nearby?",
            "We will arrive around 9pm, is that ok?", "Thanks, see you soon!", "Where do we find the keys?"};
    protected static final String[] HOST_LINES = {"Welcome! Check-in is from 3pm.", "Yes, free parking in front of the house.",
            "No problem, the lockbox code will be sent on arrival day.", "Enjoy your stay!"};

    protected final Map<String, SimAccount> accounts = new ConcurrentHashMap<>();
    protected final Random random;

    protected SimSource(long seed) {
        this.random = new Random(seed);
    }

    /** Path prefix and source key, e.g. {@code hostaway}. */
    public abstract String key();

    /** Creates an account with {@code threads} seeded threads of {@code messages} messages each. */
    public abstract SimAccount seed(String accountId, int threads, int messages);

    /**
     * Adds a thread from a fixture bundle {@code {"conversation": {...}, "messages": [...], "related": {"lead": {...}}}}
     * in native shape; {@code related} holds records the PMS serves from other calls (kept in {@link SimThread#related}).
     */
    public SimThread load(String accountId, JsonNode bundle) {
        SimAccount account = accounts.computeIfAbsent(accountId, id -> newAccount(id));
        ObjectNode record = (ObjectNode) bundle.get("conversation").deepCopy();
        SimThread thread = new SimThread(threadId(record), record);
        bundle.path("messages").forEach(m -> thread.messages.add((ObjectNode) m.deepCopy()));
        bundle.path("related").fields().forEachRemaining(e -> thread.related.put(e.getKey(), (ObjectNode) e.getValue().deepCopy()));
        account.threads.add(thread);
        return thread;
    }

    /** Appends a message in native shape and updates the thread's activity markers, as the PMS would. */
    public abstract ObjectNode addMessage(SimAccount account, SimThread thread, NewMessage message);

    /** A webhook call as this PMS makes it. */
    public record WebhookCall(String body, Map<String, String> headers, Map<String, String> query) {
    }

    /**
     * The webhook this PMS sends when {@code message} was added to {@code thread}, authenticated its way
     * with {@code secrets} (webhookUser/webhookPassword, webhookSecret or webhookToken).
     */
    public abstract WebhookCall webhook(SimAccount account, SimThread thread, ObjectNode message, boolean fromGuest,
                                        Map<String, String> secrets, Instant now);

    /** Records a send and announces the new message like any other (webhook). */
    protected void sent(SimExchange ex, SimAccount account, SimThread thread, JsonNode request, ObjectNode created) {
        ex.simulator().recordSend(new SimSend(key(), account.id, thread.id, request, created.path(idField()).asText()));
        ex.simulator().messageAdded(key(), account, thread, created, false);
    }

    /** The field holding a message's id in this PMS's message objects. */
    public String idField() {
        return "id";
    }

    /** Answers one request under {@code /<key>}; {@code path} is what follows the prefix. */
    public abstract SimResponse handle(SimExchange exchange);

    /** Changes a message's text in place, as the PMS shows an edited message; sources that can't, say so. */
    public void editMessage(SimThread thread, ObjectNode message, String body, Instant at) {
        throw new UnsupportedOperationException("the " + key() + " simulator does not edit messages");
    }

    protected abstract SimAccount newAccount(String id);

    /** The thread id in a listed record; {@code id} unless the PMS names it otherwise. */
    protected String threadId(ObjectNode record) {
        return record.path("id").asText();
    }

    public SimAccount account(String id) {
        return accounts.get(id);
    }

    public List<SimAccount> accounts() {
        return List.copyOf(accounts.values());
    }

    // ---- helpers shared by the simulated PMSs

    protected static String page(List<? extends JsonNode> all, int from, int size, java.util.function.Function<ArrayNode, ObjectNode> wrap) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (int i = Math.max(0, from); i < Math.min(all.size(), from + size); i++) {
            arr.add(all.get(i));
        }
        return wrap.apply(arr).toString();
    }

    /** Seeds {@code messages} alternating guest/host messages into thread number {@code i}, 10 minutes apart. */
    protected void seedMessages(SimAccount account, SimThread thread, int i, int messages, Instant t0, int firstStep) {
        for (int m = 0; m < messages; m++) {
            boolean guest = m % 2 == 0;
            addMessage(account, thread, new NewMessage(guest ? GUEST_LINES[(i + m) % GUEST_LINES.length] : HOST_LINES[(i + m) % HOST_LINES.length],
                    guest, t0.plusSeconds(3600L * i + 600L * (m + firstStep))));
        }
    }

    /** The account a request is for, or the answer that refuses it (unknown credentials, rate limit). */
    protected record Admission(SimAccount account, SimResponse refusal) {
    }

    /** A request authenticated by a bearer token this PMS issued: recorded, then rate-limited. */
    protected Admission bearer(SimExchange ex, Map<String, String> tokens, SimResponse unauthorized) {
        String auth = ex.header("Authorization");
        String accountId = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
        return accountId == null ? new Admission(null, unauthorized) : admit(ex, accountId);
    }

    /** Records an authenticated request against its account and applies the simulator's rate limit. */
    protected Admission admit(SimExchange ex, String accountId) {
        ex.record(key(), accountId);
        SimResponse limited = ex.simulator().throttle(key(), accountId);
        return limited != null ? new Admission(null, limited) : new Admission(accounts.get(accountId), null);
    }

    /**
     * OAuth client-credentials token endpoint: checks client_id/client_secret (and the scope, if one is
     * required), issues a token and answers {@code {token_type, expires_in, access_token[, scope]}}.
     */
    protected SimResponse issueToken(SimExchange ex, Map<String, String> tokens, String requiredScope, long expiresIn,
                                     SimResponse refusal) {
        Map<String, String> form = PmsSimulator.parseForm(ex.body());
        SimAccount a = accounts.get(form.getOrDefault("client_id", ""));
        if (a == null || !a.credentials.get("clientSecret").equals(form.get("client_secret"))
                || (requiredScope != null && !requiredScope.equals(form.get("scope"))) || !"client_credentials".equals(form.get("grant_type"))) {
            return refusal;
        }
        ex.record(key(), a.id);
        String token = key() + "-token-" + java.util.UUID.randomUUID();
        tokens.put(token, a.id);
        var o = Json.MAPPER.createObjectNode().put("token_type", "Bearer").put("expires_in", expiresIn).put("access_token", token);
        if (requiredScope != null) {
            o.put("scope", requiredScope);
        }
        return SimResponse.json(200, o.toString());
    }

    /** The request body as JSON, or null when it is not JSON. */
    protected static JsonNode readJson(String body) {
        try {
            return body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    protected static int intParam(Map<String, String> query, String name, int fallback) {
        try {
            return query.containsKey(name) ? Integer.parseInt(query.get(name)) : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    protected static String local(Instant at, ZoneId zone, String pattern) {
        return DateTimeFormatter.ofPattern(pattern).withZone(zone).format(at);
    }

    protected String guestName(int i) {
        return FIRST[i % FIRST.length] + " " + LAST[(i / FIRST.length + i) % LAST.length];
    }

    protected static Instant seedStart() {
        return Instant.parse("2025-01-10T08:00:00Z");
    }
}
