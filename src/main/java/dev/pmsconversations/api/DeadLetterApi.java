package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.pmsconversations.delivery.DeliveryService;
import dev.pmsconversations.delivery.DeliveryStore;
import dev.pmsconversations.model.Json;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * GET /v2/dead-letters and POST /v2/dead-letters/replay: the sinks' dead letters, as {@code dlq list} and
 * {@code dlq replay} show them. An operator's calls: they need a token that is not limited to accounts.
 */
public final class DeadLetterApi {
    private final DeliveryService deliveries;
    private final Set<String> sinks;

    public DeadLetterApi(DeliveryService deliveries, Set<String> sinks) {
        this.deliveries = deliveries;
        this.sinks = sinks;
    }

    public String list(Exchange ex) {
        requireOperator(ex);
        String sink = sink(ex.getIn().getHeader("sink", String.class));
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (DeliveryStore.Row r : deliveries.deadLetters(sink)) {
            data.addObject().put("id", r.id()).put("sink", r.sink()).put("eventId", r.eventId()).put("accountId", r.accountId())
                    .put("source", r.source()).put("conversationId", r.conversationId()).put("eventType", r.eventType())
                    .put("attempts", r.attempts()).put("error", r.lastError()).put("updatedAt", r.updatedAt().toString());
        }
        return Envelope.ok(data).toString();
    }

    public String replay(Exchange ex) {
        requireOperator(ex);
        String text = ex.getIn().getBody(String.class);
        JsonNode body;
        try {
            body = text == null || text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw ApiException.badRequest("the body is not valid JSON");
        }
        String sink = sink(body.path("sink").isTextual() ? body.path("sink").asText() : null);
        Long id = null;
        if (body.has("id") && !body.get("id").isNull()) {
            if (!body.get("id").canConvertToLong()) {
                throw ApiException.invalid("id", "a dead letter id (a number)");
            }
            id = body.get("id").asLong();
        }
        int n = deliveries.replay(sink, id);
        return Envelope.ok(Json.MAPPER.createObjectNode().put("replayed", n)).toString();
    }

    private String sink(String name) {
        if (name != null && !sinks.contains(name)) {
            throw ApiException.invalid("sink", "no sink '" + name + "'; one of " + new java.util.TreeSet<>(sinks));
        }
        return name;
    }

    static void requireOperator(Exchange ex) {
        ApiAuth.Scope scope = ex.getProperty(ApiAuth.SCOPE, ApiAuth.Scope.class);
        if (scope.accounts() != null) {
            throw new ApiException(403, "FORBIDDEN", "token '" + scope.tokenName() + "' is limited to some accounts; dead letters need a token for all");
        }
    }
}
