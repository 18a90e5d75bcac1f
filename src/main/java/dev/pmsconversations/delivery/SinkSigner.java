package dev.pmsconversations.delivery;

import dev.pmsconversations.config.SinkConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;

/**
 * Headers of an HTTP sink's request: its configured headers, the event id, and with a {@code secret} an
 * HMAC-SHA256 signature over {@code <timestamp>.<body>} (hex), so a receiver can check origin and
 * freshness (docs/sinks.md shows how).
 */
public final class SinkSigner {
    public static final String TIMESTAMP = "X-Pms-Timestamp";
    public static final String SIGNATURE = "X-Pms-Signature";
    public static final String EVENT_ID = "X-Pms-Event-Id";
    private final Map<String, SinkConfig> sinks;

    public SinkSigner(Map<String, SinkConfig> sinks) {
        this.sinks = sinks;
    }

    public void sign(Exchange exchange) {
        SinkConfig sink = sinks.get(exchange.getIn().getHeader(DeliveryService.H_SINK, String.class));
        String body = exchange.getIn().getBody(String.class);
        String eventId = exchange.getIn().getHeader(dev.pmsconversations.exchange.Headers.EVENT, String.class);
        exchange.getIn().removeHeaders("pms*");
        sink.settings().forEach(exchange.getIn()::setHeader);
        exchange.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getIn().setHeader(EVENT_ID, eventId);
        if (sink.secret() != null) {
            String timestamp = Long.toString(System.currentTimeMillis() / 1000);
            exchange.getIn().setHeader(TIMESTAMP, timestamp);
            exchange.getIn().setHeader(SIGNATURE, "v1=" + hmacHex(sink.secret().reveal(), timestamp + "." + body));
        }
    }

    static String hmacHex(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
