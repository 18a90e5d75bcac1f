package dev.pmsconversations.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.testing.Fixtures;
import dev.pmsconversations.testing.RuntimeTestSupport;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSConsumer;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * JMS to the embedded Artemis broker and RabbitMQ on the machine's broker (127.0.0.1:5672): every event
 * arrives exactly once by event id, with the properties consumers select on.
 */
class BrokerSinkTest extends RuntimeTestSupport {
    private final String exchange = "pms-test-" + UUID.randomUUID();
    private final String queue = exchange + "-q";
    private final Path artemisData;
    private final Path dailyDir = Files.createTempDirectory("daily");
    private final Connection rabbit;
    private final Channel channel;

    BrokerSinkTest() throws Exception {
        artemisData = Files.createTempDirectory("artemis");
        ConnectionFactory cf = new ConnectionFactory();
        cf.setHost("127.0.0.1");
        cf.setPort(5672);
        cf.setUsername("guest");
        cf.setPassword("guest");
        rabbit = cf.newConnection();
        channel = rabbit.createChannel();
        channel.exchangeDeclare(exchange, "topic", false, true, null);
        channel.queueDeclare(queue, false, false, true, null);
        channel.queueBind(queue, exchange, "pms.#");
    }

    @Override
    protected String extraSinks() {
        return "  - { name: jms, type: jms, url: \"vm://0\", destination: \"queue:pms.events\", dataDirectory: \""
                + artemisData.toString().replace('\\', '/') + "\" }\n"
                + "  - { name: rabbit, type: rabbitmq, exchange: \"" + exchange + "\", routingKey: pms.events }\n"
                + "  - { name: any, type: route, endpoint: \"direct:captured\", filter: { eventTypes: [conversation.updated] } }\n"
                + "  - { name: daily, type: file, directory: \"" + dailyDir.toString().replace('\\', '/') + "\", eventLog: daily }\n";
    }

    @AfterEach
    void cleanUp() throws Exception {
        channel.queueDelete(queue);
        channel.exchangeDelete(exchange);
        rabbit.close();
    }


    @Test
    void everyEventReachesJmsAndRabbitMqOnceWithItsProperties() throws Exception {
        // a user's route behind the route sink, handing the events to an in-memory queue this test reads
        context.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("direct:captured").routeId("captured").to("seda:captured?size=100");
            }
        });
        awaitFirstPolls();
        sim.addMessage("hostaway", "hostaway-1", "1406", "Late arrival, sorry!", true);
        poll("hostaway-1");
        List<String> expected = fileEventIds();
        assertThat(expected).hasSize(SOURCES.stream().mapToInt(s -> Fixtures.of(s).size()).sum() + 1); // one per fixture, then the update

        // "nothing more": a marker event in every conversation, after the events under test. A sink delivers a
        // conversation's events in order (docs/sinks.md) and each broker queue here hands them on in that order, so a
        // late duplicate of an event under test would be read before its conversation's marker
        List<String> markers = markerEvents();
        List<String> all = new ArrayList<>(expected);
        all.addAll(markers);

        // JMS: read the queue of the embedded broker, as a consumer application would
        List<String> jmsIds = new ArrayList<>();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("vm://0"); JMSContext jms = cf.createContext();
             JMSConsumer consumer = jms.createConsumer(jms.createQueue("pms.events"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Message m = consumer.receive(200);
                if (m != null) {
                    JsonNode event = Json.MAPPER.readTree(((TextMessage) m).getText());
                    assertThat(m.getStringProperty("eventId")).isEqualTo(event.get("id").asText());
                    assertThat(m.getStringProperty("source")).isEqualTo(event.get("source").asText());
                    assertThat(m.getStringProperty("accountId")).isEqualTo(event.get("accountId").asText());
                    assertThat(m.getStringProperty("conversationId")).isEqualTo(event.at("/data/id").asText());
                    assertThat(m.getStringProperty("eventType")).isEqualTo(event.get("type").asText());
                    assertThat(m.getStringProperty("JMSXGroupID")).isEqualTo(event.get("accountId").asText() + "/" + event.at("/data/id").asText());
                    assertThat(m.getJMSDeliveryMode()).isEqualTo(jakarta.jms.DeliveryMode.PERSISTENT);
                    jmsIds.add(event.get("id").asText());
                }
                return jmsIds.containsAll(markers);
            });
        }
        assertThat(new HashSet<>(jmsIds)).as("JMS event ids").hasSize(jmsIds.size());
        assertThat(jmsIds).containsExactlyInAnyOrderElementsOf(all);

        // RabbitMQ: the queue bound to the sink's exchange
        List<String> rabbitIds = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            GetResponse r = channel.basicGet(queue, true);
            if (r != null) {
                JsonNode event = Json.MAPPER.readTree(new String(r.getBody(), StandardCharsets.UTF_8));
                assertThat(r.getProps().getHeaders().get("eventId").toString()).isEqualTo(event.get("id").asText());
                assertThat(r.getProps().getHeaders().get("accountId").toString()).isEqualTo(event.get("accountId").asText());
                assertThat(r.getProps().getDeliveryMode()).isEqualTo(2); // persistent
                rabbitIds.add(event.get("id").asText());
            }
            return rabbitIds.containsAll(markers);
        });
        assertThat(new HashSet<>(rabbitIds)).as("RabbitMQ event ids").hasSize(rabbitIds.size());
        assertThat(rabbitIds).containsExactlyInAnyOrderElementsOf(all);
        assertThat(pms.deliveries().backlog("hostaway-1")).isZero();

        // a second file sink with a daily event log: the same events, in a file named by the UTC day
        List<String> hostaway = events("hostaway-1").stream().map(e -> e.get("id").asText()).toList();
        Path daily = dailyDir.resolve("events").resolve("hostaway-1-" + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ".ndjson");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(daily) && Files.readAllLines(daily).size() >= hostaway.size());
        assertThat(Files.readAllLines(daily).stream().map(l -> l.substring(7, 43)).toList()).containsExactlyElementsOf(hostaway);

        // the escape hatch: the user's own route (here handing on to an in-memory queue), filtered to updates: every
        // update the file sink holds (hostaway's, then the markers), nothing else
        List<String> captured = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String body = consumer.receiveBody("seda:captured", 200, String.class);
            if (body != null) {
                JsonNode event = Json.MAPPER.readTree(body);
                assertThat(event.get("type").asText()).isEqualTo("conversation.updated");
                captured.add(event.get("id").asText());
            }
            return captured.containsAll(markers);
        });
        List<String> updates = SOURCES.stream().flatMap(s -> events(s + "-1").stream())
                .filter(e -> e.get("type").asText().equals("conversation.updated")).map(e -> e.get("id").asText()).toList();
        assertThat(captured).containsExactlyInAnyOrderElementsOf(updates);
    }
}
