package dev.pmsconversations.source;

import dev.pmsconversations.exchange.MessageBodies;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;

/**
 * Sends one HTTP request to a PMS through Camel's {@code http} component. One endpoint serves every
 * account: the target URL travels in the {@code CamelHttpUri}/{@code CamelHttpQuery} headers, so
 * no endpoint is created per URL. Status codes are returned, not thrown: the caller decides on retries.
 */
public final class PmsHttp {

    private final ProducerTemplate template;
    private final String userAgent;
    private final String endpoint;

    public record Response(int status, String body, String retryAfter) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** {@code nodeId}: named in the User-Agent (unless the source file sets its own), so a PMS can tell nodes apart. */
    public PmsHttp(CamelContext context, String nodeId, dev.pmsconversations.config.RuntimeConfig.PmsHttpConfig timeouts) {
        this.template = context.createProducerTemplate();
        // deleteWithBody: some PMSs take the id of what to delete in a DELETE's body (Lodgify's webhook unsubscribe)
        this.endpoint = "http://pms-api?throwExceptionOnFailure=false&deleteWithBody=true&connectTimeout=" + timeouts.connectTimeoutMillis()
                + "&responseTimeout=" + timeouts.responseTimeoutMillis();
        this.userAgent = "pms-conversations/0.1 (node " + nodeId + ")";
    }

    public Response send(String method, String url, Map<String, String> query, Map<String, String> headers,
                         String contentType, String body) {
        Exchange result = template.send(endpoint, ExchangePattern.InOut, ex -> {
            ex.getIn().setHeader(Exchange.HTTP_METHOD, method);
            ex.getIn().setHeader(Exchange.HTTP_URI, url);
            if (query != null && !query.isEmpty()) {
                ex.getIn().setHeader(Exchange.HTTP_QUERY, encode(query));
            }
            ex.getIn().setHeader("User-Agent", userAgent);
            headers.forEach(ex.getIn()::setHeader); // Camel headers ignore case: a source's own User-Agent wins
            if (contentType != null) {
                ex.getIn().setHeader(Exchange.CONTENT_TYPE, contentType);
            }
            ex.getIn().setBody(body);
        });
        if (result.getException() != null) {
            // connection refused, timeout...: the caller retries these like a 5xx
            return new Response(-1, result.getException().getClass().getSimpleName() + ": " + result.getException().getMessage(), null);
        }
        Integer status = result.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String retryAfter = result.getMessage().getHeader("Retry-After", String.class);
        return new Response(status == null ? -1 : status, MessageBodies.text(result.getMessage()), retryAfter);
    }

    /** Parses {@code a=1&b=x%20y} (a query string or a form body); the last value of a repeated name wins. */
    public static Map<String, String> decode(String raw) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(unescape(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : unescape(pair.substring(eq + 1)));
        }
        return out;
    }

    /** %-decoded; a broken escape ({@code %}, {@code %zz}) is kept as written: it then matches nothing it is compared with. */
    private static String unescape(String text) {
        try {
            return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    public static String encode(Map<String, String> params) {
        StringJoiner j = new StringJoiner("&");
        params.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return j.toString();
    }
}
