package dev.pmsconversations.config;

import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.yaml.YamlDoc;
import dev.pmsconversations.yaml.YamlFileException;
import dev.pmsconversations.yaml.YamlNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code config/pms-conversations.yaml}. Every error names file, line and key. Credentials are
 * references ({@code env: NAME} or {@code file: path}; {@code value:} only for demos and tests).
 */
public final class ConfigLoader {
    /** Sink types with a route template {@code routes/sink-<type>.camel.yaml}. */
    public static final Set<String> SINK_TYPES = Set.of("file", "http", "uri", "jms", "rabbitmq", "kafka");

    private final Function<String, String> env;

    public ConfigLoader() {
        this(System::getenv);
    }

    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    public RuntimeConfig load(Path file) {
        return read(YamlDoc.load(file), file);
    }

    public RuntimeConfig parse(String name, String text) {
        return read(YamlDoc.parse(name, text), Path.of(name));
    }

    private RuntimeConfig read(YamlDoc doc, Path file) {
        YamlNode root = doc.node().onlyKeys(Set.of("runtime", "api", "management", "outbox", "delivery", "sinks", "accounts"));
        Path base = file.toAbsolutePath().getParent() == null ? Path.of(".") : file.toAbsolutePath().getParent();
        YamlNode rt = root.get("runtime");
        Path mappings = Path.of("mappings");
        Path routes = Path.of("routes");
        RuntimeConfig.StoreConfig store = new RuntimeConfig.StoreConfig("jdbc:h2:file:./data/pms-conversations", "sa", null);
        boolean deprecated = false;
        boolean dev = false;
        RuntimeConfig.ClusterConfig cluster = RuntimeConfig.ClusterConfig.defaults();
        RuntimeConfig.PmsHttpConfig pmsHttp = RuntimeConfig.PmsHttpConfig.DEFAULT;
        RuntimeConfig.BreakerConfig breaker = RuntimeConfig.BreakerConfig.DEFAULT;
        if (!rt.isMissing()) {
            rt.onlyKeys(Set.of("mappings", "routes", "store", "output", "devMode", "cluster", "pmsHttp", "breaker"));
            mappings = Path.of(rt.text("mappings", "mappings"));
            routes = Path.of(rt.text("routes", "routes"));
            dev = rt.bool("devMode", false);
            if (rt.has("store")) {
                YamlNode s = rt.get("store").onlyKeys(Set.of("url", "user", "password"));
                String url = s.text("url");
                if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
                    throw s.get("url").error("the state store is H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://...)");
                }
                store = new RuntimeConfig.StoreConfig(url, s.text("user", null), s.has("password") ? secret(s.get("password"), base) : null);
            }
            if (rt.has("cluster")) {
                YamlNode c = rt.get("cluster").onlyKeys(Set.of("nodeId", "pollThreads", "checkinMillis"));
                String nodeId = c.text("nodeId", cluster.nodeId());
                if (!nodeId.matches("[A-Za-z0-9_.-]{1,100}")) {
                    throw c.get("nodeId").error("a node id uses letters, digits, '.', '-' and '_' (at most 100)");
                }
                cluster = new RuntimeConfig.ClusterConfig(nodeId, positive(c, "pollThreads", cluster.pollThreads()),
                        positive(c, "checkinMillis", cluster.checkinMillis()));
            }
            if (rt.has("pmsHttp")) {
                YamlNode h = rt.get("pmsHttp").onlyKeys(Set.of("connectTimeoutMillis", "responseTimeoutMillis"));
                pmsHttp = new RuntimeConfig.PmsHttpConfig(positive(h, "connectTimeoutMillis", pmsHttp.connectTimeoutMillis()),
                        positive(h, "responseTimeoutMillis", pmsHttp.responseTimeoutMillis()));
            }
            if (rt.has("breaker")) {
                YamlNode b = rt.get("breaker").onlyKeys(Set.of("failures", "openSeconds", "maxOpenSeconds"));
                breaker = new RuntimeConfig.BreakerConfig(positive(b, "failures", breaker.failures()),
                        positive(b, "openSeconds", breaker.openSeconds()), positive(b, "maxOpenSeconds", breaker.maxOpenSeconds()));
                if (breaker.maxOpenSeconds() < breaker.openSeconds()) {
                    throw (b.has("maxOpenSeconds") ? b.get("maxOpenSeconds") : b).error("maxOpenSeconds must be at least openSeconds");
                }
            }
            if (rt.has("output")) {
                YamlNode o = rt.get("output").onlyKeys(Set.of("includeDeprecated"));
                deprecated = o.bool("includeDeprecated", false);
            }
        }
        List<SinkConfig> sinks = new ArrayList<>();
        Set<String> sinkNames = new HashSet<>();
        if (root.has("sinks")) {
            for (YamlNode s : root.get("sinks").items()) {
                s.object();
                String name = s.text("name");
                if (!name.matches("[A-Za-z0-9_-]+")) {
                    throw s.get("name").error("sink names use letters, digits, '-' and '_'");
                }
                if (!sinkNames.add(name)) {
                    throw s.get("name").error("duplicate sink name '" + name + "'");
                }
                String type = s.text("type");
                if (!SINK_TYPES.contains(type)) {
                    throw s.get("type").error("unknown sink type '" + type + "'; one of " + new java.util.TreeSet<>(SINK_TYPES));
                }
                sinks.add(sink(s, name, type, base));
            }
        }
        List<AccountConfig> accounts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        if (root.has("accounts")) {
            for (YamlNode a : root.get("accounts").items()) {
                a.onlyKeys(Set.of("id", "source", "baseUrl", "timeZone", "credentials", "schedule", "sinks"));
                String id = a.text("id");
                if (!id.matches("[A-Za-z0-9_-]+")) {
                    throw a.get("id").error("account ids use letters, digits, '-' and '_'");
                }
                if (!ids.add(id)) {
                    throw a.get("id").error("duplicate account id '" + id + "'");
                }
                ZoneId zone = null;
                if (a.has("timeZone")) {
                    try {
                        zone = ZoneId.of(a.text("timeZone"));
                    } catch (RuntimeException e) {
                        throw a.get("timeZone").error("unknown time zone '" + a.text("timeZone") + "'");
                    }
                }
                Map<String, Secret> credentials = new LinkedHashMap<>();
                if (a.has("credentials")) {
                    a.get("credentials").entries().forEach((k, v) -> credentials.put(k, secret(v, base)));
                }
                String every = "60s";
                String cron = null;
                if (a.has("schedule")) {
                    YamlNode sch = a.get("schedule").onlyKeys(Set.of("every", "cron"));
                    cron = sch.text("cron", null);
                    every = sch.text("every", "60s");
                    try {
                        Durations.millis(every);
                    } catch (IllegalArgumentException e) {
                        throw sch.get("every").error(e.getMessage());
                    }
                }
                List<String> accountSinks = a.has("sinks") ? a.get("sinks").textList() : List.copyOf(sinkNames);
                for (String s : accountSinks) {
                    if (!sinkNames.contains(s)) {
                        throw a.get("sinks").error("no sink named '" + s + "' in 'sinks'");
                    }
                }
                accounts.add(new AccountConfig(id, a.text("source"), a.text("baseUrl", null), zone, credentials, every, cron,
                        accountSinks));
            }
        }
        RuntimeConfig.ApiConfig api = root.has("api") ? api(root.get("api"), base, ids) : RuntimeConfig.ApiConfig.DISABLED;
        RuntimeConfig.OutboxConfig outbox = RuntimeConfig.OutboxConfig.DEFAULT;
        if (root.has("outbox")) {
            YamlNode o = root.get("outbox").onlyKeys(Set.of("maxAttempts", "leaseSeconds", "sweepMillis"));
            outbox = new RuntimeConfig.OutboxConfig(positive(o, "maxAttempts", 6), positive(o, "leaseSeconds", 120),
                    positive(o, "sweepMillis", 1000));
        }
        RuntimeConfig.DeliveryConfig delivery = RuntimeConfig.DeliveryConfig.DEFAULT;
        if (root.has("delivery")) {
            YamlNode d = root.get("delivery").onlyKeys(Set.of("drainMillis", "leaseSeconds", "maxBacklog"));
            delivery = new RuntimeConfig.DeliveryConfig(positive(d, "drainMillis", 1000), positive(d, "leaseSeconds", 60),
                    positive(d, "maxBacklog", 10_000));
        }
        RuntimeConfig.ManagementConfig management = RuntimeConfig.ManagementConfig.DISABLED;
        if (root.has("management")) {
            YamlNode m = root.get("management").onlyKeys(Set.of("enabled", "host", "port"));
            int port = m.integer("port", 9876);
            if (port < 1 || port > 65535) {
                throw m.get("port").error("a TCP port (1-65535)");
            }
            management = new RuntimeConfig.ManagementConfig(m.bool("enabled", true), m.text("host", "127.0.0.1"), port);
        }
        return new RuntimeConfig(file, mappings, routes, store, deprecated, dev, api, outbox, delivery, sinks, accounts, management, cluster, pmsHttp, breaker);
    }

    private SinkConfig sink(YamlNode s, String name, String type, Path base) {
        Set<String> common = Set.of("name", "type", "filter", "payload", "maxAttempts");
        Set<String> own = switch (type) {
            case "file" -> Set.of("directory", "eventLog", "eventLogMaxBytes");
            case "http" -> Set.of("url", "headers", "secret", "connectTimeoutMillis", "readTimeoutMillis");
            case "jms" -> Set.of("url", "destination", "user", "password", "dataDirectory");
            case "rabbitmq" -> Set.of("host", "port", "virtualHost", "user", "password", "exchange", "routingKey");
            case "kafka" -> Set.of("brokers", "topic", "securityProtocol", "saslMechanism", "saslJaasConfig");
            default -> Set.of("uri");
        };
        Set<String> allowed = new HashSet<>(common);
        allowed.addAll(own);
        s.onlyKeys(allowed);
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
                secret = s.has("secret") ? secret(s.get("secret"), base) : null;
            }
            case "jms" -> {
                // an Artemis broker by URL (tcp://host:61616), or vm://0: the embedded broker (persistent journal)
                options.put("destination", s.text("destination", "queue:pms.events"));
                extra.put("url", s.text("url", "vm://0"));
                extra.put("dataDirectory", s.text("dataDirectory", "./data/artemis"));
                extra.put("user", s.text("user", ""));
                secret = s.has("password") ? secret(s.get("password"), base) : null;
            }
            case "rabbitmq" -> {
                options.put("exchange", s.text("exchange"));
                options.put("routingKey", s.text("routingKey", "pms.events"));
                extra.put("host", s.text("host", "127.0.0.1"));
                extra.put("port", Integer.toString(s.integer("port", 5672)));
                extra.put("virtualHost", s.text("virtualHost", "/"));
                extra.put("user", s.text("user", "guest"));
                secret = s.has("password") ? secret(s.get("password"), base) : null;
            }
            case "kafka" -> {
                // the component is configured in code (BrokerSinks): saslJaasConfig is a secret and stays out of the URI
                options.put("topic", s.text("topic", "pms.events"));
                extra.put("brokers", s.text("brokers", "127.0.0.1:9092"));
                extra.put("securityProtocol", s.text("securityProtocol", "PLAINTEXT"));
                extra.put("saslMechanism", s.text("saslMechanism", ""));
                secret = s.has("saslJaasConfig") ? secret(s.get("saslJaasConfig"), base) : null;
            }
            default -> options.put("uri", s.text("uri"));
        }
        SinkConfig.Filter filter = SinkConfig.Filter.ANY;
        if (s.has("filter")) {
            YamlNode f = s.get("filter").onlyKeys(Set.of("sources", "accounts", "eventTypes", "senderTypes"));
            filter = new SinkConfig.Filter(set(f, "sources"), set(f, "accounts"), set(f, "eventTypes"), set(f, "senderTypes"));
            for (String t : filter.eventTypes()) {
                if (!t.equals("conversation.created") && !t.equals("conversation.updated")) {
                    throw f.get("eventTypes").error("unknown event type '" + t + "'; conversation.created or conversation.updated");
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
        return new SinkConfig(name, type, options, filter, p, positive(s, "maxAttempts", 8), type.equals("http") ? headers : extra, secret);
    }

    private static Set<String> set(YamlNode n, String key) {
        return n.has(key) ? Set.copyOf(n.get(key).textList()) : Set.of();
    }

    private RuntimeConfig.ApiConfig api(YamlNode a, Path base, Set<String> accountIds) {
        a.onlyKeys(Set.of("enabled", "host", "port", "maxBodyBytes", "tokens"));
        int port = a.integer("port", 8080);
        if (port < 0 || port > 65535) {
            throw a.get("port").error("a TCP port (0-65535)");
        }
        List<RuntimeConfig.ApiToken> tokens = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlNode t : a.get("tokens").items()) {
            t.onlyKeys(Set.of("name", "token", "accounts"));
            String name = t.text("name");
            if (!names.add(name)) {
                throw t.get("name").error("duplicate token name '" + name + "'");
            }
            Set<String> scope = null;
            if (t.has("accounts")) {
                scope = new java.util.LinkedHashSet<>(t.get("accounts").textList());
                for (String id : scope) {
                    if (!accountIds.contains(id)) {
                        throw t.get("accounts").error("no account '" + id + "' in 'accounts'");
                    }
                }
            }
            Secret token = secret(t.get("token"), base);
            if (token.reveal().length() < 16) {
                throw t.get("token").error("API tokens must have at least 16 characters");
            }
            tokens.add(new RuntimeConfig.ApiToken(name, token, scope));
        }
        if (tokens.isEmpty()) {
            throw a.get("tokens").error("the API needs at least one token");
        }
        return new RuntimeConfig.ApiConfig(a.bool("enabled", true), a.text("host", "127.0.0.1"), port,
                a.integer("maxBodyBytes", 1_048_576), tokens);
    }

    private static int positive(YamlNode n, String key, int fallback) {
        int v = n.integer(key, fallback);
        if (v < 1) {
            throw n.get(key).error("must be at least 1");
        }
        return v;
    }

    private Secret secret(YamlNode ref, Path base) {
        ref.onlyKeys(Set.of("env", "file", "value"));
        if (ref.has("env")) {
            String name = ref.text("env");
            String v = env.apply(name);
            if (v == null || v.isEmpty()) {
                throw ref.get("env").error("environment variable '" + name + "' is not set");
            }
            return new Secret(v, "env:" + name);
        }
        if (ref.has("file")) {
            Path p = base.resolve(ref.text("file"));
            try {
                return new Secret(Files.readString(p).strip(), "file:" + ref.text("file"));
            } catch (IOException e) {
                throw ref.get("file").error("cannot read secret file '" + ref.text("file") + "'");
            }
        }
        if (ref.has("value")) {
            return new Secret(ref.text("value"), "inline value");
        }
        throw ref.error("a credential is {env: NAME}, {file: path} or (demos only) {value: ...}");
    }

    /**
     * Checks accounts against the source files: known source, messaging supported, credentials complete.
     * Returns the problems (empty when valid).
     */
    public static List<String> crossCheck(RuntimeConfig config, SourceRegistry sources) {
        List<String> problems = new ArrayList<>();
        for (AccountConfig a : config.accounts()) {
            SourceDefinition def = sources.get(a.source());
            String where = config.file() + ": account '" + a.id() + "': ";
            if (def == null) {
                problems.add(where + "unknown source '" + a.source() + "'; known: " + sources.all().keySet());
                continue;
            }
            if (!def.messaging()) {
                problems.add(where + def.name() + " cannot be synced for conversations: " + def.unsupportedReason());
                continue;
            }
            for (String c : def.api().auth().credentialNames()) {
                if (!a.credentials().containsKey(c)) {
                    problems.add(where + "missing credential '" + c + "' (" + def.name() + " auth: " + def.api().auth().type() + ")");
                }
            }
            for (String c : def.api().queryCredentials()) {
                if (!a.credentials().containsKey(c)) {
                    problems.add(where + "missing credential '" + c + "' (" + def.name() + " sends it with its requests)");
                }
            }
        }
        return problems;
    }
}
