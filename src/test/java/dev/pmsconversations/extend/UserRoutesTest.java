package dev.pmsconversations.extend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.exchange.Headers;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.simulator.SimSend;
import dev.pmsconversations.testing.HttpReceiver;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An integration engineer's own routes (docs/extending.md), loaded from {@code runtime.extraRoutes} next to the
 * runtime's: a {@code route} sink hands each event to {@code direct:my-events}, which (1) posts the unified
 * conversation, read through {@code direct:pms-conversation}, to an HTTP endpoint when a guest's new message contains
 * "URGENT", and (2) answers a guest who asks about "after hours" through {@code direct:pms-send} (the outbox), once
 * per event however often the event is delivered.
 */
class UserRoutesTest extends RuntimeTestSupport {
    private static final HttpReceiver ALERTS = new HttpReceiver();
    @TempDir
    static Path custom;
    private static final String REPLY = "Thanks! We answer between 8:00 and 20:00.";

    @AfterAll
    static void stopReceiver() {
        ALERTS.close();
    }

    @Override
    protected String extraSinks() {
        return "  - { name: mine, type: route, endpoint: \"direct:my-events\", payload: newMessages }\n";
    }

    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        Path dir = custom.resolve("custom");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("my.camel.yaml"), """
                    - route:
                        id: my-events
                        from:
                          uri: direct:my-events
                          steps:
                            - log: "event ${header.pmsEventId} of ${header.pmsAccountId}"
                            - multicast:
                                steps:
                                  - to: direct:urgent-alert
                                  - to: direct:after-hours-reply
                    - route:
                        id: urgent-alert
                        from:
                          uri: direct:urgent-alert
                          steps:
                            - filter:
                                jsonpath: "$.data.messages[?(@.senderType == 'Guest' && @.body =~ /.*URGENT.*/)]"
                                steps:
                                  - to: direct:pms-conversation
                                  - setHeader: { name: Content-Type, constant: application/json }
                                  - to: "%s/alerts?throwExceptionOnFailure=true"
                    - route:
                        id: after-hours-reply
                        from:
                          uri: direct:after-hours-reply
                          steps:
                            - filter:
                                jsonpath: "$.data.messages[?(@.senderType == 'Guest' && @.body =~ /.*after hours.*/)]"
                                steps:
                                  - setHeader: { name: Idempotency-Key, simple: "after-hours-${header.pmsEventId}" }
                                  - setBody:
                                      simple: '{"conversationId": "${header.pmsConversationId}", "body": "%s"}'
                                  - to: direct:pms-send
                    """.formatted(ALERTS.url(), REPLY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config.withExtraRoutes(List.of(dir.toString().replace('\\', '/') + "/*.camel.yaml"));
    }

    @Test
    void aKeywordAlertWithTheWholeConversationAndAnAutoReplySentOnce() {
        awaitFirstPolls();
        assertThat(ALERTS.received()).as("no fixture message says URGENT").isEmpty();
        String thread = fixtureThread("hostaway");
        JsonNode urgent = sim.addMessage("hostaway", "hostaway-1", thread, "URGENT: the door code does not work", true);
        sim.addMessage("smoobu", "smoobu-1", fixtureThread("smoobu"), "no rush, see you tomorrow", true);
        poll("hostaway-1");
        poll("smoobu-1");
        Awaitility.await("the alert").atMost(Duration.ofSeconds(20)).until(() -> !ALERTS.received().isEmpty());
        // the conversation as the runtime delivered it, read by the user's route, with the guest's message in it
        JsonNode posted = ALERTS.received().get(0).json();
        assertThat(posted.get("id").asText()).isEqualTo(thread);
        assertThat(posted.get("messages")).anySatisfy(m -> assertThat(m.get("body").asText()).isEqualTo("URGENT: the door code does not work"));
        assertThat(urgent).isNotNull();

        sim.addMessage("hostaway", "hostaway-1", thread, "Can we check in after hours?", true);
        poll("hostaway-1");
        Awaitility.await("the auto-reply sent").atMost(Duration.ofSeconds(20)).until(() -> replies().size() == 1);
        assertThat(replies().get(0).threadId()).isEqualTo(thread);

        // the same event delivered again (e.g. after a crash before its delivery was recorded): no second reply
        JsonNode event = asTheRouteSinkHasIt(events("hostaway-1").stream()
                .filter(e -> e.toString().contains("Can we check in after hours?")).reduce((a, b) -> b).orElseThrow());
        Map<String, Object> headers = Map.of(Headers.ACCOUNT, "hostaway-1", Headers.CONVERSATION, thread,
                Headers.EVENT, event.get("id").asText());
        for (int i = 0; i < 2; i++) {
            template.sendBodyAndHeaders("direct:my-events", event.toString(), headers);
        }
        JsonNode again = tree(template.requestBodyAndHeaders("direct:pms-send",
                "{\"conversationId\": \"" + thread + "\", \"body\": \"" + REPLY + "\"}",
                Map.of(Headers.ACCOUNT, "hostaway-1", "Idempotency-Key", "after-hours-" + event.get("id").asText()), String.class));
        assertThat(again.get("status").asText()).as("the first send's outbox entry, already sent").isEqualTo("SENT");
        assertThat(replies()).hasSize(1);
        assertThat(ALERTS.received()).hasSize(1);
        // a route's log step is visible by default (INFO), libraries stay at WARN
        assertThat(LogManager.getLogger("my-events").isInfoEnabled()).isTrue();
        assertThat(LogManager.getLogger("org.apache.camel.impl").isInfoEnabled()).isFalse();
    }

    /** The file sink's snapshot event as the route sink (payload newMessages) got it: only the new messages. */
    private static JsonNode asTheRouteSinkHasIt(JsonNode snapshot) {
        com.fasterxml.jackson.databind.node.ObjectNode event = snapshot.deepCopy();
        List<String> newIds = new java.util.ArrayList<>();
        event.get("newMessageIds").forEach(id -> newIds.add(id.asText()));
        com.fasterxml.jackson.databind.node.ArrayNode only = Json.MAPPER.createArrayNode();
        event.get("data").get("messages").forEach(m -> {
            if (newIds.contains(m.get("id").asText())) {
                only.add(m);
            }
        });
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("data")).set("messages", only);
        assertThat(only).hasSize(1);
        return event;
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<SimSend> replies() {
        return sim.sends("hostaway", "hostaway-1").stream().filter(s -> s.request().toString().contains(REPLY)).toList();
    }
}
