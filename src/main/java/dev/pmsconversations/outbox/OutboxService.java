package dev.pmsconversations.outbox;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.pmsconversations.mapping.TextBodies;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.model.Message;
import dev.pmsconversations.model.SenderType;
import dev.pmsconversations.source.AccountClient;
import dev.pmsconversations.source.ApiSpec;
import dev.pmsconversations.source.BodyTemplate;
import dev.pmsconversations.source.PmsApiException;
import dev.pmsconversations.source.SendSpec;
import dev.pmsconversations.account.AccountClients;
import dev.pmsconversations.exchange.LogContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends guest messages through the outbox ({@code routes/outbox.camel.yaml}). The guarantee, per message:
 * the PMS's send call is made again only when the PMS certainly did not take the previous one (429, refused
 * connection) or when a lookup of the thread shows the message is not there. After an unknown outcome (5xx,
 * timeout, a crash between the call and the status write) the thread is read and searched for an owner
 * message with the same text, created since the request, not already claimed by another outbox entry.
 */
public final class OutboxService {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxService.class);
    /** Clock skew allowed between us and the PMS when matching a sent message by its time. */
    private static final Duration SKEW = Duration.ofMinutes(10);

    private final OutboxStore store;
    private final AccountClients accounts;
    private final Clock clock;
    private final Duration lease;
    private final int maxAttempts;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile Runnable afterPmsAccepted = () -> { };

    public OutboxService(OutboxStore store, AccountClients accounts, Clock clock, Duration lease, int maxAttempts) {
        this.store = store;
        this.accounts = accounts;
        this.clock = clock;
        this.lease = lease;
        this.maxAttempts = maxAttempts;
    }

    /** Test hook: runs between the PMS accepting a message and the status write (to simulate a crash). */
    public void afterPmsAccepted(Runnable hook) {
        this.afterPmsAccepted = hook;
    }

    /** The result of a POST: the entry, and whether this request created it (false: an earlier one did). */
    public record Submitted(OutboxEntry entry, boolean created) {
    }

    /** Raised when a request reuses an idempotency key with a different message. */
    public static final class KeyConflict extends RuntimeException {
        KeyConflict(String message) {
            super(message);
        }
    }

    /**
     * Stores the request (PENDING) unless the account already has one with its idempotency key. Without a
     * caller key, the key is derived from the content and a 10-minute window, so a client retrying the same
     * POST does not send twice.
     */
    public Submitted submit(SendRequest r) {
        AccountClient client = accounts.client(r.accountId());
        String attachments = r.attachments().isEmpty() ? null : Json.MAPPER.valueToTree(r.attachments()).toString();
        String requestHash = dev.pmsconversations.model.Hashes.sha256(String.join("\u0000", r.conversationId(), String.valueOf(r.reservationId()),
                r.type(), String.valueOf(r.subject()), r.body(), String.valueOf(attachments)));
        Instant now = clock.instant();
        String key = r.idempotencyKey() != null ? r.idempotencyKey()
                : "derived:" + requestHash.substring(0, 40) + ":" + now.getEpochSecond() / 600;
        OutboxEntry entry = new OutboxEntry("msg_" + UUID.randomUUID().toString().replace("-", ""), r.accountId(),
                client.source().key(), r.conversationId(), r.reservationId(), key, requestHash, r.type(), r.subject(), r.body(),
                attachments, OutboxEntry.Status.PENDING, false, 0, null, null, now, now, now);
        boolean created = store.insert(entry);
        OutboxEntry stored = store.byKey(r.accountId(), key).orElseThrow();
        if (!created && !stored.requestHash().equals(requestHash)) {
            throw new KeyConflict("Idempotency-Key '" + key + "' was already used for a different message (" + stored.id() + ")");
        }
        return new Submitted(stored, created);
    }

    public Optional<OutboxEntry> get(String id) {
        return store.byId(id);
    }

    /** Outbox route: the entries worth an attempt now (due, or abandoned mid-call by a dead worker). */
    public List<String> due() {
        Instant now = clock.instant();
        return store.due(now, now.minus(lease), 100).stream().filter(id -> !inFlight.contains(id)).toList();
    }

    /**
     * Outbox route: one attempt for one entry. Returns the entry when it is SENT (the route then syncs the
     * thread so the message reaches the sinks with the PMS's id), null otherwise.
     */
    public OutboxEntry attempt(String id) {
        Instant now = clock.instant();
        OutboxEntry e = store.byId(id).orElse(null);
        if (e == null || e.status() == OutboxEntry.Status.SENT || e.status() == OutboxEntry.Status.FAILED) {
            return null;
        }
        LogContext.account(e.accountId(), e.source());
        LogContext.conversation(e.conversationId());
        if (!inFlight.add(id)) {
            return null; // this node is already sending it
        }
        try {
            String token = java.util.UUID.randomUUID().toString();
            boolean claimed = e.status() == OutboxEntry.Status.PENDING ? store.claim(id, token, now)
                    : store.reclaimStale(id, token, now, now.minus(lease));
            return claimed ? send(store.byId(id).orElseThrow(), token) : null; // not claimed: another worker has it
        } finally {
            inFlight.remove(id);
        }
    }

    private OutboxEntry send(OutboxEntry e, String token) {
        AccountClient client = accounts.client(e.accountId());
        SendSpec spec = client.source().api().send();
        Instant now = clock.instant();
        if (e.needsCheck()) {
            String found;
            try {
                found = lookUp(client, e);
            } catch (LookupFailed ex) {
                return retryOrFail(e, true, ex.getMessage(), null, client);
            }
            if (found != null) {
                LOG.info("[{}/{}] message {} was accepted by the PMS before (found as {}); not sent again",
                        e.source(), e.accountId(), e.id(), found);
                store.sent(e.id(), found, now);
                return store.byId(e.id()).orElseThrow();
            }
        }
        dev.pmsconversations.source.SendOutcome outcome;
        try {
            Map<String, String> prepared = spec.prepare().isEmpty() ? Map.of() : client.prepareSend(e.conversationId());
            // the permit right before the call: a request granted early and sent late (after the checks above, slow on a
            // loaded database) reaches the PMS bunched with later grants, and a PMS counting a sliding window answers 429
            client.awaitSendPermits();
            if (!store.renew(e.id(), token, clock.instant())) {
                // the checks above outlasted the lease and another worker took the message over: it sends, not this one
                LOG.warn("[{}/{}] message {}: the claim was taken over by another worker during its checks; not sent here",
                        e.source(), e.accountId(), e.id());
                return null;
            }
            outcome = client.send(Map.of("conversationId", e.conversationId(),
                    "reservationId", e.reservationId() == null ? e.conversationId() : e.reservationId()), body(spec, e, prepared));
        } catch (PmsApiException ex) {
            if (ex.status() >= 400 && ex.status() < 500 && ex.status() != 429 && !ex.isAuthFailure()) {
                // a value the send needs is refused or absent (e.g. the thread does not exist): final, like a 4xx send
                store.failed(e.id(), ex.getMessage(), clock.instant());
                LOG.error("[{}/{}] message {} FAILED: {}", e.source(), e.accountId(), e.id(), ex.getMessage());
                return null;
            }
            return retryOrFail(e, false, ex.getMessage(), null, client);
        } catch (RuntimeException ex) {
            // auth refused, credentials missing...: nothing was sent
            return retryOrFail(e, false, ex.getMessage(), null, client);
        }
        if (outcome.result() == dev.pmsconversations.source.SendOutcome.Result.ACCEPTED) {
            afterPmsAccepted.run();
            String pmsId = messageId(spec, outcome.answer());
            if (pmsId == null) { // the PMS's answer has no id: find the message in the thread before reporting SENT
                try {
                    pmsId = lookUp(client, e);
                } catch (LookupFailed ex) {
                    LOG.warn("{} (the message is sent; its PMS id stays unknown)", ex.getMessage());
                }
            }
            store.sent(e.id(), pmsId, clock.instant());
            LOG.info("[{}/{}] message {} sent (PMS id {})", e.source(), e.accountId(), e.id(), pmsId);
            return store.byId(e.id()).orElseThrow();
        }
        if (outcome.result() == dev.pmsconversations.source.SendOutcome.Result.REJECTED) {
            store.failed(e.id(), outcome.detail(), clock.instant());
            LOG.error("[{}/{}] message {} FAILED: {}", e.source(), e.accountId(), e.id(), outcome.detail());
            return null;
        }
        return retryOrFail(e, outcome.result() == dev.pmsconversations.source.SendOutcome.Result.UNKNOWN, outcome.detail(), outcome.retryAfter(), client);
    }

    private OutboxEntry retryOrFail(OutboxEntry e, boolean outcomeUnknown, String reason, String retryAfter, AccountClient client) {
        Instant now = clock.instant();
        if (e.attempts() >= maxAttempts) {
            if (outcomeUnknown || e.needsCheck()) {
                String found = null;
                try {
                    found = lookUp(client, e);
                } catch (LookupFailed ex) {
                    reason = reason + "; " + ex.getMessage();
                }
                if (found != null) {
                    store.sent(e.id(), found, now);
                    return store.byId(e.id()).orElseThrow();
                }
            }
            store.failed(e.id(), "gave up after " + e.attempts() + " attempts: " + reason, now);
            LOG.error("[{}/{}] message {} FAILED after {} attempts: {}", e.source(), e.accountId(), e.id(), e.attempts(), reason);
            return null;
        }
        ApiSpec.Retry retry = client.source().api().retry();
        long wait = dev.pmsconversations.source.Backoff.of(retry, e.attempts(), retryAfter);
        store.retryLater(e.id(), reason, outcomeUnknown || e.needsCheck(), now.plusMillis(wait), now);
        LOG.warn("[{}/{}] message {} attempt {} failed ({}); next attempt in {} ms{}", e.source(), e.accountId(), e.id(),
                e.attempts(), reason, wait, outcomeUnknown ? " after checking the PMS" : "");
        return null;
    }

    /** The native send body from the source file's template. */
    static JsonNode body(SendSpec spec, OutboxEntry e, Map<String, String> prepared) {
        Map<String, Object> values = new HashMap<>(prepared);
        values.put("body", e.body());
        values.put("subject", e.subject());
        // a type value may name a prepared value, e.g. RentalWise's CHANNEL: "${provider}" (the thread's own channel)
        String type = spec.types().get(e.type());
        values.put("type", type == null ? null : BodyTemplate.render(com.fasterxml.jackson.databind.node.TextNode.valueOf(type), prepared).asText());
        values.put("unifiedType", e.type());
        values.put("now", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        values.put("conversationId", e.conversationId());
        values.put("reservationId", e.reservationId());
        JsonNode rendered = BodyTemplate.render(spec.body(), values);
        if (e.attachments() != null && spec.attachmentsPath() != null) {
            try {
                ArrayNode items = Json.MAPPER.createArrayNode();
                for (JsonNode a : Json.MAPPER.readTree(e.attachments())) {
                    items.add(BodyTemplate.render(spec.attachmentItem(), Map.of("name", a.path("name").asText(""), "url", a.path("url").asText(""))));
                }
                ((com.fasterxml.jackson.databind.node.ObjectNode) rendered).set(spec.attachmentsPath(), items);
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException("stored attachments unreadable", ex);
            }
        }
        return rendered;
    }

    private static String messageId(SendSpec spec, JsonNode answer) {
        if (spec.messageIdPath() == null || answer == null) {
            return null;
        }
        JsonNode id = answer.at(JsonPointer.compile(spec.messageIdPath()));
        return id.isMissingNode() || id.isNull() || id.asText().isEmpty() ? null : id.asText();
    }

    /**
     * Reads the thread from the PMS and finds the entry's message: an owner message with the same text,
     * created since the request (allowing for clock skew), whose id no other outbox entry has claimed.
     */
    String lookUp(AccountClient client, OutboxEntry e) {
        try {
            Conversation c = client.source().mapping(client.account().timeZone()).map(client.fetchOne(e.conversationId()));
            Set<String> claimed = new HashSet<>(store.sentMessageIds(e.accountId(), e.conversationId()));
            String wanted = normalise(e.body());
            Instant since = e.createdAt().minus(SKEW);
            Message best = null;
            for (Message m : c.messages()) {
                boolean candidate = m.senderType() == SenderType.Owner && m.body() != null && normalise(m.body()).equals(wanted)
                        && !claimed.contains(m.id()) && (m.createdAt() == null || !Instant.parse(m.createdAt()).isBefore(since));
                if (candidate && (best == null || (m.createdAt() != null && best.createdAt() != null
                        && m.createdAt().compareTo(best.createdAt()) < 0))) {
                    best = m;
                }
            }
            return best == null ? null : best.id();
        } catch (RuntimeException ex) {
            // cannot check now: do not risk a double send; the next attempt checks again
            throw new LookupFailed("source '" + e.source() + "', account '" + e.accountId() + "': could not check whether message "
                    + e.id() + " was already accepted: " + ex.getMessage());
        }
    }

    static String normalise(String body) {
        return TextBodies.text(body).replaceAll("\\s+", " ").strip();
    }

    /** The PMS could not be asked whether an earlier attempt got through; the entry stays for a later attempt. */
    public static final class LookupFailed extends RuntimeException {
        LookupFailed(String message) {
            super(message);
        }
    }
}
