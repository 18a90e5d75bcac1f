package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What Hostify and FantasticStay (the same platform, docs with the brand swapped) share in the simulator: the
 * documented {@code filters} parameter ({field, operator, value}) and message_new push notifications sent through
 * Amazon SNS.
 */
final class HostifyPlatform {
    private HostifyPlatform() {
    }

    /** True when {@code record} passes every filter (=, <>, <, >, <=, >=, in, not_in; numbers compared as numbers). */
    static boolean matches(ObjectNode record, JsonNode filters) {
        for (JsonNode f : filters) {
            JsonNode field = record.get(f.path("field").asText());
            String actual = field == null || field.isNull() ? "" : field.asText();
            String value = f.path("value").asText();
            int c = compare(actual, value);
            boolean ok = switch (f.path("operator").asText("=")) {
                case "=" -> c == 0;
                case "<>" -> c != 0;
                case "<" -> c < 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                case ">=" -> c >= 0;
                case "in" -> List.of(value.split(",")).stream().anyMatch(v -> compare(actual, v.trim()) == 0);
                case "not_in" -> List.of(value.split(",")).stream().noneMatch(v -> compare(actual, v.trim()) == 0);
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static int compare(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    /**
     * A message_new notification as Amazon SNS posts it: the envelope (Type, MessageId, TopicArn, Subject, Message,
     * Timestamp, Signature…) and headers; {@code Message} is the JSON string of the thread ids, the message's
     * {@code fields} and the subscription's {@code auth} value.
     */
    static SimSource.WebhookCall messageNew(String platform, SimAccount account, SimThread thread, ObjectNode message,
                                            List<String> fields, String auth, Instant now) {
        ObjectNode t = thread.record;
        ObjectNode inner = Json.MAPPER.createObjectNode().put("notification_type", "message_new").put("auth", auth)
                .put("thread_id", t.path("id").asLong()).put("reservation_id", t.path("reservation_id").asLong())
                .put("listing_id", t.path("listing_id").asLong()).put("message_id", message.path("id").asLong());
        for (String f : fields) {
            inner.set(f, message.path(f).isMissingNode() ? Json.MAPPER.nullNode() : message.get(f));
        }
        String topic = "arn:aws:sns:eu-central-1:123456789012:" + platform + "-message_new";
        String id = UUID.nameUUIDFromBytes((platform + ":" + account.id + ":" + thread.id + ":" + message.path("id").asText())
                .getBytes(StandardCharsets.UTF_8)).toString();
        String msg = inner.toString();
        ObjectNode body = Json.MAPPER.createObjectNode().put("Type", "Notification").put("MessageId", id).put("TopicArn", topic)
                .put("Subject", "message_new").put("Message", msg)
                .put("Timestamp", DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneId.of("UTC")).format(now))
                .put("SignatureVersion", "1").put("Signature", placeholderSignature(id + msg))
                .put("SigningCertURL", "https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-sim.pem")
                .put("UnsubscribeURL", "https://sns.eu-central-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + topic + ":" + account.id);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amz-sns-message-type", "Notification");
        headers.put("x-amz-sns-message-id", id);
        headers.put("x-amz-sns-topic-arn", topic);
        return new SimSource.WebhookCall(body.toString(), headers, Map.of());
    }

    /** A stand-in for SNS's RSA signature (only AWS can make a real one): base64 of a SHA-256 of the notification. */
    private static String placeholderSignature(String text) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
