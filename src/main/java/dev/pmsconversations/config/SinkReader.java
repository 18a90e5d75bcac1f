package dev.pmsconversations.config;

import dev.pmsconversations.components.CamelComponents;
import dev.pmsconversations.yaml.YamlNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** One item of the configuration's {@code sinks:}: its type's options, filter, payload and credential. */
final class SinkReader {
    /** What a sink's filter may name: the conversations' events and the accounts' lifecycle events. */
    static final java.util.List<String> EVENT_TYPES = java.util.List.of("conversation.created", "conversation.updated",
            "account.connected", "account.auth_failed", "account.recovered", "account.removed");

    /** Camel endpoints that queue in memory (a sink must hand the event on durably before it counts as delivered). */
    private static final Set<String> IN_MEMORY = Set.of("seda", "vm", "disruptor", "disruptor-vm", "stub");
    private final SecretReader secrets;

    SinkReader(SecretReader secrets) {
        this.secrets = secrets;
    }

    SinkConfig read(YamlNode s, String name, String type, Path base, CamelComponents components, LoadProblems problems) {
        Set<String> common = Set.of("name", "type", "filter", "payload", "maxAttempts");
        Set<String> own = switch (type) {
            case "file" -> Set.of("directory", "eventLog", "eventLogMaxBytes");
            case "http" -> Set.of("url", "headers", "secret", "connectTimeoutMillis", "readTimeoutMillis");
            case "jms" -> Set.of("url", "destination", "user", "password", "dataDirectory");
            case "rabbitmq" -> Set.of("host", "port", "virtualHost", "user", "password", "exchange", "routingKey");
            case "kafka" -> Set.of("brokers", "topic", "securityProtocol", "saslMechanism", "saslJaasConfig");
            case "route" -> Set.of("endpoint");
            default -> Set.of("uri");
        };
        Set<String> allowed = new HashSet<>(common);
        allowed.addAll(own);
        problems.onlyKeys(s, allowed);
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> headers = Map.of();
        Map<String, String> extra = new LinkedHashMap<>();
        Secret secret = null;
        switch (type) {
            case "file" -> {
                options.put("directory", s.text("directory"));
                String log = s.text("eventLog", "single");
                options.put("eventFile", switch (log) {
                    case "single" -> "${header.pmsAccountId}.ndjson";
                    case "daily" -> "${header.pmsAccountId}-${date-with-timezone:now:UTC:yyyy-MM-dd}.ndjson"; // a new file each UTC day
                    default -> throw s.get("eventLog").error("single (one growing file per account) or daily (one per account and UTC day)");
                });
                long maxBytes = s.integer("eventLogMaxBytes", 0);
                if (maxBytes < 0) {
                    throw s.get("eventLogMaxBytes").error("a size in bytes (0 = no size limit)");
                }
                options.put("eventLogMaxBytes", Long.toString(maxBytes));
            }
            case "http" -> {
                String url = s.text("url");
                if (!url.startsWith("http://") && !url.startsWith("https://")) {
                    throw s.get("url").error("an http(s) URL");
                }
                int connect = s.integer("connectTimeoutMillis", 5000);
                int read = s.integer("readTimeoutMillis", 15000);
                options.put("endpoint", url + (url.contains("?") ? "&" : "?") + "connectTimeout=" + connect
                        + "&responseTimeout=" + read + "&throwExceptionOnFailure=true");
                headers = s.has("headers") ? s.get("headers").stringMap() : Map.of();
                secret = s.has("secret") ? secrets.read(s.get("secret"), base, problems, false) : null;
            }
            case "jms" -> {
                // an Artemis broker by URL (tcp://host:61616), or vm://0: the embedded broker (persistent journal)
                options.put("destination", s.text("destination", "queue:pms.events"));
                extra.put("url", s.text("url", "vm://0"));
                extra.put("dataDirectory", s.text("dataDirectory", "./data/artemis"));
                extra.put("user", s.text("user", ""));
                secret = s.has("password") ? secrets.read(s.get("password"), base, problems, false) : null;
            }
            case "rabbitmq" -> {
                options.put("exchange", s.text("exchange"));
                options.put("routingKey", s.text("routingKey", "pms.events"));
                extra.put("host", s.text("host", "127.0.0.1"));
                extra.put("port", Integer.toString(s.integer("port", 5672)));
                extra.put("virtualHost", s.text("virtualHost", "/"));
                extra.put("user", s.text("user", "guest"));
                secret = s.has("password") ? secrets.read(s.get("password"), base, problems, false) : null;
            }
            case "kafka" -> {
                // the component is configured in code (BrokerSinks): saslJaasConfig is a secret and stays out of the URI
                options.put("topic", s.text("topic", "pms.events"));
                extra.put("brokers", s.text("brokers", "127.0.0.1:9092"));
                extra.put("securityProtocol", s.text("securityProtocol", "PLAINTEXT"));
                extra.put("saslMechanism", s.text("saslMechanism", ""));
                secret = s.has("saslJaasConfig") ? secrets.read(s.get("saslJaasConfig"), base, problems, false) : null;
            }
            case "route" -> {
                // the user's own route, called inside the delivery: the event counts as delivered when it returns
                String endpoint = s.text("endpoint");
                if (!endpoint.startsWith("direct:") || endpoint.length() == "direct:".length()) {
                    throw s.get("endpoint").error("a direct: endpoint of one of your routes (e.g. direct:my-events): it runs"
                            + " inside the delivery, so the event counts as delivered only when your route returns");
                }
                options.put("uri", endpoint);
            }
            default -> options.put("uri", uri(s.get("uri"), components));
        }
        SinkConfig.Filter filter = SinkConfig.Filter.ANY;
        if (s.has("filter")) {
            YamlNode f = s.get("filter").onlyKeys(Set.of("sources", "accounts", "eventTypes", "senderTypes"));
            filter = new SinkConfig.Filter(set(f, "sources"), set(f, "accounts"), set(f, "eventTypes"), set(f, "senderTypes"));
            for (String t : filter.eventTypes()) {
                if (!EVENT_TYPES.contains(t)) {
                    throw f.get("eventTypes").error("unknown event type '" + t + "'; one of " + String.join(", ", EVENT_TYPES));
                }
            }
            for (String t : filter.senderTypes()) {
                if (!Set.of("Owner", "Guest", "Log").contains(t)) {
                    throw f.get("senderTypes").error("unknown sender type '" + t + "'; Owner, Guest or Log");
                }
            }
        }
        String payload = s.text("payload", "snapshot");
        SinkConfig.Payload p = switch (payload) {
            case "snapshot" -> SinkConfig.Payload.SNAPSHOT;
            case "newMessages" -> SinkConfig.Payload.NEW_MESSAGES;
            default -> throw s.get("payload").error("snapshot (the whole conversation) or newMessages (only the new messages)");
        };
        return new SinkConfig(name, type, options, filter, p, ConfigLoader.positive(s, "maxAttempts", 8), type.equals("http") ? headers : extra, secret);
    }

    /** A uri sink's endpoint, refused when its component is missing or it would only hold events in memory. */
    private static String uri(YamlNode node, CamelComponents components) {
        String uri = node.text();
        String scheme = CamelComponents.scheme(uri);
        if (scheme != null && IN_MEMORY.contains(scheme)) {
            throw node.error("'" + scheme + ":' is an in-memory queue: an event would count as delivered while it sits in"
                    + " memory, and be lost when the runtime stops; use type: route with a direct: endpoint instead");
        }
        String missing = components.missingComponent(uri);
        if (missing != null) {
            throw node.error(missing);
        }
        return uri;
    }

    private static Set<String> set(YamlNode n, String key) {
        return n.has(key) ? Set.copyOf(n.get(key).textList()) : Set.of();
    }
}
