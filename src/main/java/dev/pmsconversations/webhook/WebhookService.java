package dev.pmsconversations.webhook;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.api.ApiException;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.exchange.MessageBodies;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.source.WebhookSpec;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.exchange.LogContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/{source}/{accountId}} ({@code routes/webhooks.camel.yaml}): verify the PMS's proof,
 * store the delivery (deduplicated) before answering 2xx, then sync the thread it names through the normal
 * per-thread steps, which deliver only what changed, so a webhook and a poll never deliver one change twice.
 */
public final class WebhookService {
    public static final String H_WEBHOOK_ID = "pmsWebhookId";
    /** The webhook_event.conversation_id column's size. */
    static final int MAX_CONVERSATION_ID = 256;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);

    private final SourceRegistry sources;
    /** The account of an id, or null: the configured ones and those created at run time (account.AccountClients). */
    private final java.util.function.Function<String, AccountConfig> accounts;
    private final WebhookInbox inbox;
    private final StateStore store;
    private final Clock clock;
    private final int maxAttempts;

    public WebhookService(SourceRegistry sources, java.util.function.Function<String, AccountConfig> accounts, WebhookInbox inbox,
                          StateStore store, Clock clock, int maxAttempts) {
        this.sources = sources;
        this.accounts = accounts;
        this.inbox = inbox;
        this.store = store;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
    }

    /** The webhook route's first step; answers with the envelope and sets {@link #H_WEBHOOK_ID} when there is work. */
    private final Map<String, java.util.concurrent.atomic.LongAdder> outcomes = new java.util.concurrent.ConcurrentHashMap<>();

    /** Webhook calls per source and outcome (accepted, duplicate, ignored, rejected, invalid), for the metrics. */
    public long outcomes(String source, String outcome) {
        java.util.concurrent.atomic.LongAdder n = outcomes.get(source + "|" + outcome);
        return n == null ? 0 : n.sum();
    }

    private void count(String source, String outcome) {
        outcomes.computeIfAbsent(source + "|" + outcome, k -> new java.util.concurrent.atomic.LongAdder()).increment();
    }

    public String receive(Exchange exchange) {
        String sourceKey = exchange.getIn().getHeader("source", String.class);
        String accountId = exchange.getIn().getHeader("accountId", String.class);
        exchange.getIn().removeHeader(H_WEBHOOK_ID);
        LogContext.account(accountId, sourceKey);
        AccountConfig account = accounts.apply(accountId);
        if (account == null || !account.source().equals(sourceKey)) {
            throw ApiException.notFound("no " + sourceKey + " account '" + accountId + "' is configured");
        }
        SourceDefinition def = sources.get(sourceKey);
        WebhookSpec spec = def.api().webhook();
        if (spec == null) {
            throw ApiException.notFound(def.name() + " has no webhooks; account '" + accountId + "' is synced by polling");
        }
        for (String c : spec.credentials()) {
            if (!account.credentials().containsKey(c)) {
                throw ApiException.notFound("webhooks are not set up for account '" + accountId + "': credential '" + c
                        + "' is not configured");
            }
        }
        byte[] body = MessageBodies.bytes(exchange.getIn());
        if (body == null) {
            body = new byte[0];
        }
        Map<String, String> query = dev.pmsconversations.source.PmsHttp.decode(exchange.getIn().getHeader(Exchange.HTTP_QUERY, String.class));
        String handshake = handshake(spec, body, sourceKey, accountId);
        if (handshake != null) {
            return handshake;
        }
        String problem = WebhookVerifier.problem(spec, account.credentials(), name -> header(exchange, name), query, body, clock.instant());
        if (problem != null) {
            LOG.warn("[{}/{}] webhook refused: {}", sourceKey, accountId, problem);
            count(sourceKey, "rejected");
            throw new ApiException(401, "UNAUTHORIZED", "webhook not authentic: " + problem);
        }
        String text = new String(body, StandardCharsets.UTF_8);
        JsonNode payload;
        try {
            payload = spec.payload(Json.MAPPER.readTree(text));
        } catch (Exception e) {
            payload = null;
        }
        if (payload == null || !payload.isObject()) {
            String what = spec.unwrap() == null ? "webhook body is not a JSON object"
                    : "webhook body has no JSON object at '" + spec.unwrap() + "'";
            store.deadLetter(sourceKey, accountId, "webhook", null, "source '" + sourceKey + "', account '" + accountId
                    + "': " + what, text);
            count(sourceKey, "invalid");
            throw ApiException.badRequest(what);
        }
        String event = spec.eventPath() == null ? null : text(payload, spec.eventPath());
        if (!spec.acceptEvents().isEmpty() && (event == null || !spec.acceptEvents().contains(event))) {
            count(sourceKey, "ignored");
            return envelope("IGNORED", null, "event '" + event + "' does not concern messages");
        }
        String conversationId = null;
        for (String p : spec.conversationIdPaths()) {
            conversationId = conversationId != null ? conversationId : text(payload, p);
        }
        if (conversationId != null && spec.conversationIdPattern() != null) {
            java.util.regex.Matcher m = spec.conversationIdPattern().matcher(conversationId);
            if (!m.matches()) {
                count(sourceKey, "ignored");
                return envelope("IGNORED", null, "'" + conversationId + "' is not a conversation this source syncs");
            }
            conversationId = m.group(1);
        }
        // longer than the store's conversation_id column (varchar 256): refused like a missing id, not a failed insert (500)
        if (conversationId == null || conversationId.length() > MAX_CONVERSATION_ID) {
            String idProblem = conversationId == null ? "is missing" : "is longer than " + MAX_CONVERSATION_ID + " characters";
            String reason = "source '" + sourceKey + "', account '" + accountId + "': webhook field '"
                    + String.join("' / '", spec.conversationIdPaths()) + "' (conversation id) " + idProblem;
            store.deadLetter(sourceKey, accountId, "webhook", event, reason, text);
            count(sourceKey, "invalid");
            throw ApiException.invalid(spec.conversationIdPaths().get(0), conversationId == null
                    ? "conversation id missing in the webhook payload" : "conversation id " + idProblem);
        }
        String deliveryId = spec.dedupeHeader() == null ? null : header(exchange, spec.dedupeHeader());
        String dedupeKey = deliveryId != null ? "id:" + deliveryId : "sha256:" + dev.pmsconversations.model.Hashes.sha256(text);
        Optional<WebhookInbox.Stored> stored = inbox.store(accountId, sourceKey, dedupeKey, conversationId, text, clock.instant());
        if (stored.isEmpty()) {
            count(sourceKey, "duplicate");
            return envelope("DUPLICATE", inbox.byKey(accountId, dedupeKey).orElseThrow().id(), "already received");
        }
        count(sourceKey, "accepted");
        if (!stored.get().covered()) { // a covered one is read by the conversation's waiting delivery: no hand-off
            exchange.getIn().setHeader(H_WEBHOOK_ID, stored.get().id());
        }
        exchange.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        return envelope("RECEIVED", stored.get().id(), null);
    }

    /**
     * Processing route: claim a stored delivery (property {@code pmsClaimed}); sets the headers of
     * {@code direct:sync-conversation}.
     */
    public void claim(Exchange exchange) {
        long id = exchange.getIn().getHeader(H_WEBHOOK_ID, Long.class);
        exchange.setProperty("pmsClaimed", inbox.claim(id, clock.instant()).map(e -> {
            AccountConfig a = accounts.apply(e.accountId());
            LogContext.account(e.accountId(), a == null ? null : a.source());
            LogContext.conversation(e.conversationId());
            exchange.getIn().setHeader(dev.pmsconversations.exchange.Headers.ACCOUNT, e.accountId());
            exchange.getIn().setHeader(dev.pmsconversations.exchange.Headers.CONVERSATION, e.conversationId());
            exchange.setProperty("pmsWebhookAttempts", e.attempts());
            return true;
        }).orElse(false));
    }

    /** Processing route: the thread was synced (or its failure dead-lettered by the thread steps). */
    public void done(Exchange exchange) {
        inbox.done(exchange.getIn().getHeader(H_WEBHOOK_ID, Long.class), clock.instant());
    }

    /** Processing route: reading the thread failed (PMS down...): retried by the sweep, then dead-lettered. */
    public void failed(Exchange exchange) {
        long id = exchange.getIn().getHeader(H_WEBHOOK_ID, Long.class);
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = e == null ? "unknown failure" : e.getMessage();
        int attempts = exchange.getProperty("pmsWebhookAttempts", 1, Integer.class);
        String account = exchange.getIn().getHeader(dev.pmsconversations.exchange.Headers.ACCOUNT, String.class);
        if (attempts >= maxAttempts) {
            inbox.failed(id, reason, clock.instant());
            AccountConfig a = accounts.apply(account);
            store.deadLetter(a == null ? "?" : a.source(), account, "webhook", String.valueOf(id),
                    "webhook " + id + " given up after " + attempts + " attempts: " + reason, null);
            LOG.error("[{}] webhook {} FAILED after {} attempts: {}", account, id, attempts, reason);
        } else {
            inbox.retry(id, reason);
            LOG.warn("[{}] webhook {} attempt {} failed, retried: {}", account, id, attempts, reason);
        }
    }

    /** Sweep route: deliveries to process again (retries, and those a stopped node left behind). */
    public List<Long> pending() {
        Instant now = clock.instant();
        return inbox.pending(now.minus(Duration.ofSeconds(5)), now.minus(Duration.ofMinutes(5)), 500);
    }

    /**
     * A subscription handshake (Amazon SNS SubscriptionConfirmation): acknowledged, and its confirmation link
     * logged for the operator to open once, only when it is a link of the expected host (never fetched by us,
     * so an unauthenticated caller cannot make the runtime call out). Null when the call is not a handshake.
     */
    private String handshake(WebhookSpec spec, byte[] body, String sourceKey, String accountId) {
        if (spec.confirm() == null) {
            return null;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return null;
        }
        if (root == null || !spec.confirm().value().equals(text(root, spec.confirm().path()))) {
            return null;
        }
        String url = text(root, spec.confirm().url());
        if (url == null || !url.matches(spec.confirm().allow())) {
            throw ApiException.invalid(spec.confirm().url(), "subscription confirmation without a link of the expected host");
        }
        LOG.warn("[{}/{}] webhook subscription to confirm: open this link once (GET): {}", sourceKey, accountId, url);
        return envelope("SUBSCRIPTION", null, "confirmation link logged for the operator");
    }

    private static String header(Exchange exchange, String name) {
        for (Map.Entry<String, Object> h : exchange.getIn().getHeaders().entrySet()) {
            if (h.getKey().equalsIgnoreCase(name) && h.getValue() != null) {
                return h.getValue().toString();
            }
        }
        return null;
    }

    private static String text(JsonNode node, String pointer) {
        JsonNode n = node.at(JsonPointer.compile(pointer));
        return n.isMissingNode() || n.isNull() || n.isContainerNode() || n.asText().isEmpty() ? null : n.asText();
    }

    private static String envelope(String status, Long id, String note) {
        var data = Json.MAPPER.createObjectNode().put("status", status);
        if (id != null) {
            data.put("id", id);
        }
        if (note != null) {
            data.put("note", note);
        }
        return dev.pmsconversations.api.Envelope.ok(data).toString();
    }
}
