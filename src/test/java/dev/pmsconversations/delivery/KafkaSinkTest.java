package dev.pmsconversations.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.testing.Fixtures;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka sink against a real broker started inside the test run (single-node KRaft, Kafka's own test kit, on
 * 127.0.0.1): every event once by event id, key = conversation id, identity headers, order kept per conversation.
 */
class KafkaSinkTest extends RuntimeTestSupport {
    private static final String TOPIC = "pms.events.test";
    private static KafkaClusterTestKit cluster;
    private static String bootstrap;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("listeners", "EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        bootstrap = "127.0.0.1:" + cluster.brokers().get(0).boundPort(ListenerName.normalised("EXTERNAL"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected String extraSinks() {
        return "  - { name: kafka, type: kafka, brokers: \"" + bootstrap + "\", topic: " + TOPIC + " }\n";
    }


    private static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void everyEventReachesKafkaOnceKeyedByConversation() throws Exception {
        awaitFirstPolls();
        sim.addMessage("hostaway", "hostaway-1", "1406", "Late arrival, sorry!", true);
        poll("hostaway-1");
        List<String> expected = fileEventIds();
        assertThat(expected).hasSize(SOURCES.stream().mapToInt(s -> Fixtures.of(s).size()).sum() + 1); // one per fixture, then the update

        KafkaComponent component = context.getComponent("kafka-kafka", KafkaComponent.class);
        assertThat(component.getConfiguration().isEnableIdempotence()).isTrue();
        assertThat(component.getConfiguration().getRequestRequiredAcks()).isEqualTo("all");

        // "nothing more": a marker event in every conversation, after the events under test. A sink delivers a
        // conversation's events in order (docs/sinks.md), and one conversation's records share a partition, so a
        // late duplicate of an event under test would reach the topic before its conversation's marker
        List<String> markers = markerEvents();

        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-sink-test");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.stream().map(r -> header(r, "eventId")).toList().containsAll(markers);
            });
        }
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            JsonNode event = Json.MAPPER.readTree(r.value());
            assertThat(r.key()).isEqualTo(event.at("/data/id").asText());
            assertThat(header(r, "eventId")).isEqualTo(event.get("id").asText());
            assertThat(header(r, "accountId")).isEqualTo(event.get("accountId").asText());
            assertThat(header(r, "source")).isEqualTo(event.get("source").asText());
            assertThat(header(r, "eventType")).isEqualTo(event.get("type").asText());
            ids.add(event.get("id").asText());
        }
        assertThat(new HashSet<>(ids)).as("event ids on the topic").hasSize(ids.size());
        List<String> all = new ArrayList<>(expected);
        all.addAll(markers);
        assertThat(ids).containsExactlyInAnyOrderElementsOf(all);
        // one conversation's events share a key, so a partition, and arrive in the order they happened (the file
        // sink's order): hostaway's created, its update, its marker; every other conversation's created, its marker
        for (String source : SOURCES) {
            List<JsonNode> happened = events(source + "-1");
            for (String conversation : happened.stream().map(e -> e.at("/data/id").asText()).distinct().toList()) {
                List<String> read = records.stream().filter(r -> (source + "-1").equals(header(r, "accountId")) && conversation.equals(r.key()))
                        .map(r -> header(r, "eventId")).toList();
                assertThat(read).as(source + " conversation " + conversation + ", in topic order").containsExactlyElementsOf(happened.stream()
                        .filter(e -> e.at("/data/id").asText().equals(conversation)).map(e -> e.get("id").asText()).toList());
            }
        }
        assertThat(pms.deliveries().backlog("hostaway-1")).isZero();
    }
}
