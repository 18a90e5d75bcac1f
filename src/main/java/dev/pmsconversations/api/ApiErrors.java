package dev.pmsconversations.api;

import java.util.UUID;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failed API or webhook request into the error envelope. Unexpected failures answer 500 with a
 * reference to the log line instead of internals.
 */
public final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    public String render(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        int status;
        String code;
        String message;
        if (e instanceof ApiException api) {
            status = api.status();
            code = api.code();
            message = api.getMessage();
        } else {
            String ref = UUID.randomUUID().toString().substring(0, 8);
            LOG.error("API request failed (ref {}): {}", ref, e == null ? "unknown" : e.getMessage(), e);
            status = 500;
            code = "INTERNAL_ERROR";
            message = "internal error (ref " + ref + " in the runtime log)";
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (status == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
        return Envelope.error(code, message).toString();
    }
}
