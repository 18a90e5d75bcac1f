package dev.pmsconversations.delivery;

import dev.pmsconversations.config.SinkConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Connections of the message-broker sinks, bound in the registry as {@code jmsCf-<sink>} and
 * {@code rabbitCf-<sink>}: an Artemis JMS connection factory (and, for {@code vm://} URLs, the embedded
 * Artemis broker with a persistent journal, the zero-set-up default), and a RabbitMQ connection factory with
 * publisher confirms; a Kafka component per Kafka sink. Also sets the message properties consumers select and group on.
 */
public final class BrokerSinks implements AutoCloseable {
    private final Map<String, EmbeddedActiveMQ> embedded = new HashMap<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    public BrokerSinks(CamelContext context, List<SinkConfig> sinks) {
        for (SinkConfig sink : sinks) {
            switch (sink.type()) {
                case "jms" -> context.getRegistry().bind("jmsCf-" + sink.name(), jms(sink));
                case "rabbitmq" -> context.getRegistry().bind("rabbitCf-" + sink.name(), rabbit(sink));
                case "kafka" -> context.addComponent("kafka-" + sink.name(), kafka(sink));
                default -> {
                }
            }
        }
    }

    private ActiveMQConnectionFactory jms(SinkConfig sink) {
        String url = sink.settings().get("url");
        if (url.startsWith("vm://")) {
            embedded.computeIfAbsent(url, u -> startEmbedded(u, sink.settings().get("dataDirectory")));
        }
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        if (!sink.settings().get("user").isEmpty()) {
            cf.setUser(sink.settings().get("user"));
            cf.setPassword(sink.secret() == null ? null : sink.secret().reveal());
        }
        open.add(cf);
        return cf;
    }

    private static EmbeddedActiveMQ startEmbedded(String url, String dataDirectory) {
        try {
            ConfigurationImpl config = new ConfigurationImpl();
            config.setPersistenceEnabled(true);
            config.setSecurityEnabled(false);
            config.setJournalDirectory(dataDirectory + "/journal");
            config.setBindingsDirectory(dataDirectory + "/bindings");
            config.setLargeMessagesDirectory(dataDirectory + "/large-messages");
            config.setPagingDirectory(dataDirectory + "/paging");
            config.addAcceptorConfiguration("in-vm", url);
            EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
            broker.setConfiguration(config);
            broker.start();
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded JMS broker at " + url + ": " + e.getMessage(), e);
        }
    }

    private CachingConnectionFactory rabbit(SinkConfig sink) {
        CachingConnectionFactory cf = new CachingConnectionFactory(sink.settings().get("host"), Integer.parseInt(sink.settings().get("port")));
        cf.setUsername(sink.settings().get("user"));
        cf.setPassword(sink.secret() == null ? "guest" : sink.secret().reveal());
        cf.setVirtualHost(sink.settings().get("virtualHost"));
        cf.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED); // a send completes when the broker has it
        open.add(cf::destroy);
        return cf;
    }

    /**
     * A Kafka component of its own per sink (endpoint {@code kafka-<sink>:<topic>}): brokers and security set here, so
     * the SASL secret never appears in an endpoint URI. Idempotent producer, acks=all: a retried send is not written twice.
     */
    private static org.apache.camel.component.kafka.KafkaComponent kafka(SinkConfig sink) {
        org.apache.camel.component.kafka.KafkaConfiguration c = new org.apache.camel.component.kafka.KafkaConfiguration();
        c.setBrokers(sink.settings().get("brokers"));
        c.setEnableIdempotence(true);
        c.setRequestRequiredAcks("all");
        c.setRecordMetadata(true);
        c.setClientId("pms-conversations-" + sink.name());
        c.setSecurityProtocol(sink.settings().get("securityProtocol"));
        if (!sink.settings().get("saslMechanism").isEmpty()) {
            c.setSaslMechanism(sink.settings().get("saslMechanism"));
        }
        if (sink.secret() != null) {
            c.setSaslJaasConfig(sink.secret().reveal());
        }
        org.apache.camel.component.kafka.KafkaComponent component = new org.apache.camel.component.kafka.KafkaComponent();
        component.setConfiguration(c);
        return component;
    }

    /** Sink route step: the event's identity as message properties (selectors, routing, grouping by conversation). */
    public void properties(Exchange exchange) {
        var in = exchange.getIn();
        String conversation = in.getHeader(dev.pmsconversations.exchange.Headers.CONVERSATION, String.class);
        Map<String, Object> props = Map.of("source", in.getHeader(dev.pmsconversations.exchange.Headers.SOURCE, String.class),
                "accountId", in.getHeader(dev.pmsconversations.exchange.Headers.ACCOUNT, String.class),
                "conversationId", conversation,
                "eventType", in.getHeader(DeliveryService.H_EVENT_TYPE, String.class),
                "eventId", in.getHeader(dev.pmsconversations.exchange.Headers.EVENT, String.class));
        in.removeHeaders("*");
        props.forEach(in::setHeader);
        in.setHeader("JMSXGroupID", in.getHeader("accountId") + "/" + conversation); // one consumer per conversation: order kept
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    @Override
    public void close() {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        for (EmbeddedActiveMQ broker : embedded.values()) {
            try {
                broker.stop();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }
}
