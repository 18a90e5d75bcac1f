package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.exchange.Headers;
import dev.pmsconversations.model.Json;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The REST API's conversation calls for the user's own routes ({@code direct:pms-send}, {@code direct:pms-conversation}
 * in routes/extensions.camel.yaml): the same checks, outbox and answers as {@code POST /v2/conversations} and
 * {@code GET /v2/conversations/{id}}, without HTTP. A route is the operator's own, so every account is in scope; the
 * account is the event's ({@code pmsAccountId}) unless the route names another.
 */
public final class RouteAccess {
    private static final ApiAuth.Scope OPERATOR = new ApiAuth.Scope("route", null);
    private static final String ACCOUNT_PARAM = "integrationAccountId";
    private static final String ID_PARAM = "id";
    private static final String SET_ACCOUNT = "pmsRouteSetAccount";

    /** Before the API call: the operator's scope, the account and conversation from the event's headers, a Map body as JSON. */
    public void prepare(Exchange ex) {
        ex.setProperty(ApiAuth.SCOPE, OPERATOR);
        var in = ex.getIn();
        if (in.getHeader(ACCOUNT_PARAM) == null && in.getHeader(Headers.ACCOUNT) != null) {
            in.setHeader(ACCOUNT_PARAM, in.getHeader(Headers.ACCOUNT));
            ex.setProperty(SET_ACCOUNT, true);
        }
        if (in.getHeader(Headers.CONVERSATION) != null) {
            in.setHeader(ID_PARAM, in.getHeader(Headers.CONVERSATION));
        }
        if (in.getBody() instanceof Map<?, ?> map) {
            in.setBody(Json.MAPPER.valueToTree(map).toString());
        }
    }

    /** After the API call: the answer's {@code data} as the body (the outbox entry, or the unified conversation). */
    public String data(Exchange ex) throws Exception {
        ex.removeProperty(ApiAuth.SCOPE);
        // the API's parameters set by prepare go too: the user's route goes on with the headers it had
        ex.getIn().removeHeader(ID_PARAM);
        if (ex.removeProperty(SET_ACCOUNT) != null) {
            ex.getIn().removeHeader(ACCOUNT_PARAM);
        }
        JsonNode answer = Json.MAPPER.readTree(ex.getIn().getBody(String.class));
        return answer.path("data").toString();
    }
}
