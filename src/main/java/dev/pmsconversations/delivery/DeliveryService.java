package dev.pmsconversations.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pmsconversations.config.SinkConfig;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.ConversationEvent;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.model.Message;
import dev.pmsconversations.source.Backoff;
import dev.pmsconversations.store.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery to the sinks ({@code routes/deliver.camel.yaml}). A detected change is queued for each sink of
 * its account whose filter accepts it, in the same transaction that records the conversation's new state:
 * from then on the event waits durably until the sink has it or it is dead-lettered. Each sink is drained
 * on its own (a slow or dead sink delays nobody else), oldest first, one event of a conversation at a time
 * (order kept). Failures: HTTP 5xx/429, timeouts, I/O errors are retried with exponential backoff and jitter
 * (429/503 honour Retry-After); other 4xx and exhausted attempts become dead letters, which can be replayed.
 */
public final class DeliveryService {
    public static final String ROW = "pmsDeliveryRow";
    public static final String H_SINK = "pmsSinkName";
    public static final String H_EVENT_TYPE = "pmsEventType";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);
    private static final long BASE_BACKOFF_MILLIS = 1000;
    private static final long MAX_BACKOFF_MILLIS = 300_000;

    private final DeliveryStore store;
    private final Jdbc jdbc;
    private final Map<String, SinkConfig> sinks;
    /** An account's sinks by name (the configured accounts' and those created at run time). */
    private final java.util.function.Function<String, List<String>> accountSinks;
    private final Clock clock;
    private final Duration lease;
    private final int maxBacklog;

    public DeliveryService(DeliveryStore store, Jdbc jdbc, Map<String, SinkConfig> sinks,
                           java.util.function.Function<String, List<String>> accountSinks,
                           Clock clock, Duration lease, int maxBacklog) {
        this.store = store;
        this.jdbc = jdbc;
        this.sinks = sinks;
        this.accountSinks = accountSinks;
        this.clock = clock;
        this.lease = lease;
        this.maxBacklog = maxBacklog;
    }

    /**
     * An event as {@link #queue} stored it, with the rows it queued: the attempt that follows at once delivers this
     * object instead of reading the row back and parsing its JSON again (what the drain does). Exchange property
     * {@link #QUEUED}; the stored JSON reads back to an equal event (QueuedEventRoundTripTest).
     */
    public record QueuedEvent(ConversationEvent event, String json, Instant queuedAt, List<DeliveryStore.Queued> rows) {
        DeliveryStore.Row row(long id) {
            for (DeliveryStore.Queued q : rows) {
                if (q.id() == id) {
                    return new DeliveryStore.Row(id, q.sink(), event.id(), event.accountId(), event.source(), event.data().id(),
                            event.type(), json, "SENDING", 1, null, queuedAt, queuedAt, queuedAt); // as the claim left it
                }
            }
            return null;
        }
    }

    public static final String QUEUED = "pmsQueuedEvent";

    /**
     * Queues {@code event} for the account's sinks and runs {@code recordState} in the same transaction.
     * Returns the event with the rows it queued (none when no sink takes it, or each sink had it queued already).
     */
    public QueuedEvent queue(ConversationEvent event, Runnable recordState) {
        String json;
        try {
            json = Json.OUTPUT_WITH_DEPRECATED.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        List<String> senders = event.data().messages().stream().filter(m -> event.newMessageIds().contains(m.id()))
                .map(m -> m.senderType() == null ? "" : m.senderType().name()).toList();
        List<DeliveryStore.Queued> rows = new java.util.ArrayList<>(1);
        Instant now = clock.instant();
        jdbc.transaction(() -> {
            recordState.run();
            for (String sink : accountSinks.apply(event.accountId())) {
                if (sinks.get(sink).filter().accepts(event.source(), event.accountId(), event.type(), senders)) {
                    store.enqueue(sink, event.id(), event.accountId(), event.source(), event.data().id(), event.type(), json, now)
                            .ifPresent(id -> rows.add(new DeliveryStore.Queued(id, sink)));
                }
            }
        });
        return new QueuedEvent(event, json, now, List.copyOf(rows));
    }

    /**
     * Queues an account's lifecycle event for {@code sinks} (the account's) whose filter accepts it, in the caller's
     * transaction if there is one. No conversation: its rows keep the account's events in order among themselves.
     * The sinks' drains deliver it.
     */
    public void queue(dev.pmsconversations.model.AccountEvent event, List<String> accountSinks) {
        String json;
        try {
            json = Json.OUTPUT_WITH_DEPRECATED.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Instant now = clock.instant();
        jdbc.transaction(() -> {
            for (String sink : accountSinks) {
                SinkConfig config = sinks.get(sink);
                if (config != null && config.filter().accepts(event.source(), event.accountId(), event.type(), List.of())) {
                    store.enqueue(sink, event.id(), event.accountId(), event.source(), "", event.type(), json, now);
                }
            }
        });
    }

    /**
     * The rows deliver-now tries at once: those just queued (property {@link #QUEUED}); without it, the event's
     * rows as stored. A row some earlier attempt had queued already is left to its sink's drain.
     */
    public List<DeliveryStore.Queued> rowsOf(Exchange exchange) {
        QueuedEvent queued = exchange.getProperty(QUEUED, QueuedEvent.class);
        return queued != null ? queued.rows() : store.rowsOfEvent(exchange.getIn().getBody(ConversationEvent.class).id());
    }

    /**
     * deliver-now, per queued row: header {@link #H_SINK}, property {@code pmsLocal} (true for a local sink,
     * a file, tried in the poll's own flow; the others are handed to their sink's consumer), body the row id.
     */
    public void route(Exchange exchange) {
        DeliveryStore.Queued row = exchange.getIn().getBody(DeliveryStore.Queued.class);
        exchange.getIn().setHeader(H_SINK, row.sink());
        exchange.setProperty("pmsLocal", "file".equals(sinks.get(row.sink()).type()));
        exchange.getIn().setBody(row.id());
    }

    /** Drain route: rows of the sink named in header {@link #H_SINK} that are ready for an attempt. */
    public List<Long> due(Exchange exchange) {
        Instant now = clock.instant();
        return store.due(exchange.getIn().getHeader(H_SINK, String.class), now, now.minus(lease), now.minusSeconds(5), 50);
    }

    /** Dead letters of a sink (null: every sink) and of {@code accounts} (null: every account), oldest first. */
    public List<DeliveryStore.Row> deadLetters(String sink, java.util.Collection<String> accounts) {
        return store.dead(sink, null, accounts);
    }

    /** One dead letter of a sink, by id. */
    public java.util.Optional<DeliveryStore.Row> deadLetter(long id) {
        return store.dead(null, id, null).stream().findFirst();
    }

    /** Puts dead letters back in their sink's queue (null filters = any); returns how many. */
    public int replay(String sink, Long id, java.util.Collection<String> accounts) {
        return store.replay(sink, id, accounts, clock.instant());
    }

    /** Events of an account some sink does not have yet. */
    public int backlog(String accountId) {
        return store.backlog(accountId);
    }

    /** True when the polls of an account must wait: its sinks are this far behind. */
    public boolean backlogFull(String accountId) {
        return store.backlog(accountId) >= maxBacklog;
    }

    public static final String CLAIMED = "pmsClaimed";

    /**
     * Claims the row in the body. On success (property {@link #CLAIMED} true) the exchange carries the event
     * (as the sink's payload asks) and the headers the sink templates use; not claimed when the row is not
     * ready or another worker has it.
     */
    public void claim(Exchange exchange) {
        exchange.setProperty(CLAIMED, tryClaim(exchange));
    }

    private boolean tryClaim(Exchange exchange) {
        long id = exchange.getIn().getBody(Long.class);
        exchange.getIn().removeHeaders("*"); // nothing from upstream (e.g. a webhook's Authorization) may reach a sink
        Instant now = clock.instant();
        if (!store.claim(id, now, now.minus(lease))) {
            return false;
        }
        QueuedEvent queued = exchange.getProperty(QUEUED, QueuedEvent.class);
        DeliveryStore.Row row = queued == null ? null : queued.row(id);
        Object event;
        if (row != null) {
            event = queued.event();
        } else {
            row = store.row(id).orElseThrow();
            boolean account = row.eventType().startsWith(dev.pmsconversations.model.AccountEvent.PREFIX);
            try {
                event = account ? Json.MAPPER.readValue(row.event(), dev.pmsconversations.model.AccountEvent.class)
                        : Json.MAPPER.readValue(row.event(), ConversationEvent.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("queued event " + row.eventId() + " unreadable", e);
            }
        }
        SinkConfig sink = sinks.get(row.sink());
        if (sink.payload() == SinkConfig.Payload.NEW_MESSAGES && event instanceof ConversationEvent c) {
            event = onlyNewMessages(c);
        }
        exchange.setProperty(ROW, row);
        exchange.getIn().setBody(event);
        exchange.getIn().setHeader(H_SINK, row.sink());
        exchange.getIn().setHeader(dev.pmsconversations.exchange.Headers.ACCOUNT, row.accountId());
        exchange.getIn().setHeader(dev.pmsconversations.exchange.Headers.SOURCE, row.source());
        exchange.getIn().setHeader(dev.pmsconversations.exchange.Headers.CONVERSATION, row.conversationId());
        exchange.getIn().setHeader(dev.pmsconversations.exchange.Headers.EVENT, row.eventId());
        exchange.getIn().setHeader(H_EVENT_TYPE, row.eventType());
        exchange.getIn().setHeader(dev.pmsconversations.exchange.Headers.FILE, dev.pmsconversations.model.Hashes.fileName(row.conversationId()));
        exchange.getIn().setHeader("pmsSinkEndpoint", "direct:sink-" + row.sink());
        dev.pmsconversations.exchange.LogContext.account(row.accountId(), row.source());
        dev.pmsconversations.exchange.LogContext.conversation(row.conversationId());
        dev.pmsconversations.exchange.LogContext.delivery(row.sink(), row.eventId());
        return true;
    }

    public void delivered(Exchange exchange) {
        DeliveryStore.Row row = exchange.getProperty(ROW, DeliveryStore.Row.class);
        store.delivered(row.id(), clock.instant());
        dev.pmsconversations.exchange.LogContext.clear();
    }

    /** The sink refused or failed: retry later, or dead-letter (4xx other than 429, or attempts exhausted). */
    public void failed(Exchange exchange) {
        DeliveryStore.Row row = exchange.getProperty(ROW, DeliveryStore.Row.class);
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SinkConfig sink = sinks.get(row.sink());
        HttpOperationFailedException http = cause(e, HttpOperationFailedException.class);
        String reason = describe(e, http);
        Instant now = clock.instant();
        boolean permanent = http != null && http.getStatusCode() >= 400 && http.getStatusCode() < 500 && http.getStatusCode() != 429
                && http.getStatusCode() != 408;
        // as stored (the claim counted this attempt): a row delivered from memory may have been tried by the drain too
        int attempts = store.attempts(row.id());
        if (permanent || attempts >= sink.maxAttempts()) {
            store.dead(row.id(), (permanent ? "" : "gave up after " + attempts + " attempts: ") + reason, now);
            LOG.error("[{}] event {} of {} dead-lettered: {}", row.sink(), row.eventId(), row.accountId(), reason);
            return;
        }
        long wait = backoff(attempts, http == null ? null : retryAfter(http.getResponseHeaders()));
        store.retryLater(row.id(), reason, now.plusMillis(wait), now);
        LOG.warn("[{}] event {} attempt {} failed ({}); next attempt in {} ms", row.sink(), row.eventId(), attempts, reason, wait);
    }

    /** The Retry-After header whatever its case (servers send "Retry-After", "retry-after", "Retry-after"). */
    static String retryAfter(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if ("Retry-After".equalsIgnoreCase(h.getKey())) {
                return h.getValue();
            }
        }
        return null;
    }

    static long backoff(int attempt, String retryAfter) {
        return Backoff.millis(BASE_BACKOFF_MILLIS, MAX_BACKOFF_MILLIS, MAX_BACKOFF_MILLIS * 2, attempt, retryAfter);
    }

    private static String describe(Exception e, HttpOperationFailedException http) {
        if (http != null) {
            String body = http.getResponseBody() == null ? "" : http.getResponseBody().strip();
            return "HTTP " + http.getStatusCode() + (body.isEmpty() ? "" : ": " + (body.length() > 300 ? body.substring(0, 297) + "..." : body));
        }
        Throwable root = e;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == null ? "unknown failure" : root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        while (t != null) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            t = t.getCause();
        }
        return null;
    }

    private static ConversationEvent onlyNewMessages(ConversationEvent e) {
        Set<String> ids = Set.copyOf(e.newMessageIds());
        List<Message> fresh = e.data().messages().stream().filter(m -> ids.contains(m.id())).toList();
        Conversation c = e.data();
        Conversation trimmed = new Conversation(c.id(), c.externalThreadId(), c.reservationId(), c.propertyId(), c.roomId(), c.type(),
                c.createdAt(), c.updatedAt(), c.recipient(), fresh);
        return new ConversationEvent(e.id(), e.type(), e.source(), e.accountId(), e.occurredAt(), e.newMessageIds(), trimmed);
    }
}
