package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.sync.Resync;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** Operations on one account of a running node or cluster: POST /v2/accounts/{id}/resync. */
public final class AccountApi {
    private final StateStore store;
    private final SourceRegistry sources;
    private final Map<String, AccountConfig> accounts = new LinkedHashMap<>();

    public AccountApi(StateStore store, SourceRegistry sources, List<AccountConfig> configured) {
        this.store = store;
        this.sources = sources;
        configured.forEach(a -> accounts.put(a.id(), a));
    }

    /** Body {@code {since?}} (ISO-8601): the account's conversations are read again by its next poll; 202. */
    public String resync(Exchange ex) {
        String id = ex.getIn().getHeader("id", String.class);
        ApiAuth.scope(ex).narrow(id, accounts.keySet());
        AccountConfig account = accounts.get(id);
        Instant since = since(ex.getIn().getBody(String.class));
        Resync.Requested r = Resync.request(store, sources.get(account.source()), id, since);
        ex.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        ObjectNode data = Json.MAPPER.createObjectNode().put("accountId", id).put("source", account.source())
                .put("conversations", r.conversations()).put("since", r.since() == null ? null : r.since().toString())
                .put("note", r.note());
        return Envelope.ok(data).toString();
    }

    private static Instant since(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON");
        }
        JsonNode since = n.path("since");
        if (since.isMissingNode() || since.isNull()) {
            return null;
        }
        try {
            return Instant.parse(since.asText());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("since", "an ISO-8601 UTC time such as 2026-11-01T00:00:00Z");
        }
    }
}
