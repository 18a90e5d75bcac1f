package dev.pmsconversations.simulator;

import java.util.Map;

/**
 * A webhook call as a simulated PMS sends it: body, headers (signature...) and query (a URL token).
 * {@code status} is what the receiver answered (-1 until sent, 0 when unreachable).
 */
public record SimWebhook(String source, String account, String url, String body, Map<String, String> headers, int status) {

    SimWebhook answered(int s) {
        return new SimWebhook(source, account, url, body, headers, s);
    }
}
