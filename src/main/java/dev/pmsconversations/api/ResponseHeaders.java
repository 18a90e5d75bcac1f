package dev.pmsconversations.api;

import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Only the envelope goes back: an API answer keeps its status code and the few headers the API sets itself;
 * request headers (a caller's Authorization...) and internal ones are not echoed. In Java rather than
 * {@code removeHeaders} with an {@code excludePattern}: Camel compiles that pattern as a regular expression for
 * every header of every answer (at 1,000 webhooks/s, 30 % of all allocation).
 */
public final class ResponseHeaders implements Processor {
    private static final Set<String> KEPT = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        KEPT.addAll(Set.of(Exchange.HTTP_RESPONSE_CODE, "Idempotent-Replayed", "WWW-Authenticate", "Location"));
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().getHeaders().keySet().removeIf(name -> !KEPT.contains(name));
    }
}
