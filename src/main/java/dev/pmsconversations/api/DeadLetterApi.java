package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.pmsconversations.delivery.DeliveryService;
import dev.pmsconversations.delivery.DeliveryStore;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.store.ReadFailures;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;

/**
 * GET /v2/dead-letters and POST /v2/dead-letters/replay, as {@code dlq list} and {@code dlq replay} show them: events a
 * sink would not take ({@code kind: delivery}), and threads or list pages that could not be read or mapped
 * ({@code kind: mapping | thread | page | webhook}). A token limited to some accounts sees and replays only theirs.
 */
public final class DeadLetterApi {
    private final DeliveryService deliveries;
    private final ReadFailures reads;
    private final Set<String> sinks;
    private final Set<String> accounts;

    public DeadLetterApi(DeliveryService deliveries, ReadFailures reads, Set<String> sinks, Set<String> accounts) {
        this.deliveries = deliveries;
        this.reads = reads;
        this.sinks = sinks;
        this.accounts = accounts;
    }

    public String list(Exchange ex) {
        Set<String> scope = ApiAuth.scope(ex).narrow(text(ex.getIn().getHeader("accountId", String.class)), accounts);
        String sink = sink(text(ex.getIn().getHeader("sink", String.class)));
        String kind = kind(text(ex.getIn().getHeader("kind", String.class)));
        ArrayNode data = Json.MAPPER.createArrayNode();
        if (!"read".equals(kind)) {
            for (DeliveryStore.Row r : deliveries.deadLetters(sink, scope)) {
                data.addObject().put("kind", "delivery").put("id", r.id()).put("sink", r.sink()).put("eventId", r.eventId())
                        .put("accountId", r.accountId()).put("source", r.source()).put("conversationId", r.conversationId())
                        .put("eventType", r.eventType()).put("attempts", r.attempts()).put("error", r.lastError())
                        .put("updatedAt", r.updatedAt().toString());
            }
        }
        if (!"delivery".equals(kind) && sink == null) {
            for (ReadFailures.Failure f : reads.open(scope)) {
                data.addObject().put("kind", f.kind()).put("id", f.id()).put("accountId", f.accountId()).put("source", f.source())
                        .put("conversationId", f.conversationId()).put("field", f.field()).put("status", f.status())
                        .put("occurrences", f.occurrences()).put("error", f.reason()).put("updatedAt", f.lastSeenAt().toString());
            }
        }
        return Envelope.ok(data).toString();
    }

    /**
     * Body {@code {kind?, sink?, accountId?, id?}}: deliveries go back into their sink's queue; threads are read again by
     * the running nodes (a thread that still fails reopens its dead letter). {@code id} alone names a delivery's.
     */
    public String replay(Exchange ex) {
        JsonNode body = body(ex);
        ApiAuth.Scope token = ApiAuth.scope(ex);
        Set<String> scope = token.narrow(field(body, "accountId"), accounts);
        String sink = sink(field(body, "sink"));
        String kind = kind(field(body, "kind"));
        Long id = null;
        if (body.has("id") && !body.get("id").isNull()) {
            if (!body.get("id").canConvertToLong()) {
                throw ApiException.invalid("id", "a dead letter id (a number)");
            }
            id = body.get("id").asLong();
            kind = kind == null ? "delivery" : kind;
            String owner = "read".equals(kind) ? reads.find(id).map(ReadFailures.Failure::accountId).orElse(null)
                    : deliveries.deadLetter(id).map(DeliveryStore.Row::accountId).orElse(null);
            if (owner != null && scope != null && !scope.contains(owner)) {
                throw token.forbidden("dead letter " + id);
            }
        }
        int delivered = "read".equals(kind) ? 0 : deliveries.replay(sink, id, scope);
        int read = "delivery".equals(kind) || sink != null ? 0 : reads.requestRetry(scope, id);
        return Envelope.ok(Json.MAPPER.createObjectNode().put("replayed", delivered + read).put("deliveries", delivered)
                .put("threads", read)).toString();
    }

    private String sink(String name) {
        if (name != null && !sinks.contains(name)) {
            throw ApiException.invalid("sink", "no sink '" + name + "'; one of " + new TreeSet<>(sinks));
        }
        return name;
    }

    /** delivery (a sink's), read (a thread's), or null for both. */
    private static String kind(String kind) {
        if (kind != null && !kind.equals("delivery") && !kind.equals("read")) {
            throw ApiException.invalid("kind", "delivery (events a sink would not take) or read (threads that could not be read or mapped)");
        }
        return kind;
    }

    private static JsonNode body(Exchange ex) {
        String text = ex.getIn().getBody(String.class);
        try {
            JsonNode n = text == null || text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
            if (!n.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON");
        }
    }

    private static String field(JsonNode body, String name) {
        JsonNode n = body.path(name);
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.invalid(name, "must be a string");
        }
        return n.asText();
    }

    private static String text(String v) {
        return v == null || v.isBlank() ? null : v;
    }
}
