package dev.pmsconversations.config;

import dev.pmsconversations.components.CamelComponents;
import dev.pmsconversations.plugins.PluginDirectory;
import dev.pmsconversations.yaml.YamlDoc;
import dev.pmsconversations.yaml.YamlFileException;
import dev.pmsconversations.yaml.YamlNode;
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
 * Reads {@code config/pms-conversations.yaml}. Every error names file, line and key, and a file with several
 * errors reports them all at once ({@link ConfigErrors}, in line order). Credentials are references
 * ({@code env: NAME} or {@code file: path}; {@code value:} only for demos and tests).
 */
public final class ConfigLoader {
    /** Sink types with a route template {@code routes/sink-<type>.camel.yaml}. */
    public static final Set<String> SINK_TYPES = Set.of("file", "http", "uri", "route", "jms", "rabbitmq", "kafka");

    private static final RuntimeConfig.StoreConfig DEFAULT_STORE =
            new RuntimeConfig.StoreConfig("jdbc:h2:file:./data/pms-conversations", "sa", null, null);

    private final SecretReader secrets;
    private final SinkReader sinks;

    public ConfigLoader() {
        this(System::getenv);
    }

    public ConfigLoader(Function<String, String> env) {
        this(env, false);
    }

    private ConfigLoader(Function<String, String> env, boolean operations) {
        this.secrets = new SecretReader(env, operations);
        this.sinks = new SinkReader(secrets);
    }

    /**
     * For operations commands (dlq, resync) that open the state store but call no PMS, sink or API client: an
     * account's, sink's or API token's credential whose environment variable or file is missing does not fail the
     * load; it becomes a {@link Secret} that fails, naming the variable or file, only when revealed. The store's own
     * password is still required.
     */
    public static ConfigLoader forOperations() {
        return forOperations(System::getenv);
    }

    public static ConfigLoader forOperations(Function<String, String> env) {
        return new ConfigLoader(env, true);
    }

    /** The configuration; {@link ConfigErrors} with every problem of the file if it has any. */
    public RuntimeConfig load(Path file) {
        return valid(read(YamlDoc.load(file), file));
    }

    public RuntimeConfig parse(String name, String text) {
        return valid(read(YamlDoc.parse(name, text), Path.of(name)));
    }

    /**
     * For {@code validate}: every problem of the file, and the configuration built from its valid parts so that the
     * accounts can still be checked against the source files. Never run a configuration that has problems. Throws
     * only when the file cannot be read at all (not YAML, not a mapping).
     */
    public Checked check(Path file) {
        return read(YamlDoc.load(file), file);
    }

    /** A configuration and the problems of its file (the configuration is partial when there are any). */
    public record Checked(RuntimeConfig config, List<YamlFileException> problems) {
    }

    private static RuntimeConfig valid(Checked checked) {
        if (!checked.problems().isEmpty()) {
            throw ConfigErrors.of(checked.problems());
        }
        return checked.config();
    }

    /** The user's route files (globs): each must match at least one Camel YAML file (a typo would load nothing). */
    private static List<String> extraRoutes(YamlNode node) {
        List<String> globs = new ArrayList<>();
        for (YamlNode item : node.isText() ? List.of(node) : node.items()) {
            String glob = item.text();
            if (!glob.endsWith(".yaml")) {
                throw item.error("a glob of Camel YAML route files, e.g. custom/*.camel.yaml");
            }
            if (dev.pmsconversations.components.RouteFiles.matching(glob).isEmpty()) {
                throw item.error("'" + glob + "' matches no file (relative to the working directory, like routes)");
            }
            globs.add(glob);
        }
        return List.copyOf(globs);
    }

    private Checked read(YamlDoc doc, Path file) {
        LoadProblems p = new LoadProblems();
        YamlNode root = p.onlyKeys(doc.node(), Set.of("runtime", "api", "management", "outbox", "delivery", "sinks", "accounts"));
        Path base = file.toAbsolutePath().getParent() == null ? Path.of(".") : file.toAbsolutePath().getParent();
        YamlNode rt = root.get("runtime");
        if (!rt.isMissing()) {
            p.attempt(() -> p.onlyKeys(rt, Set.of("mappings", "routes", "extraRoutes", "plugins", "store", "output", "devMode", "cluster", "pmsHttp", "breaker")));
        }
        Path mappings = p.attempt(() -> Path.of(rt.text("mappings", "mappings")), Path.of("mappings"));
        Path routes = p.attempt(() -> Path.of(rt.text("routes", "routes")), Path.of("routes"));
        boolean dev = p.attempt(() -> rt.bool("devMode", false), false);
        List<String> extraRoutes = rt.has("extraRoutes") ? p.attempt(() -> extraRoutes(rt.get("extraRoutes")), List.<String>of()) : List.of();
        Path plugins = p.attempt(() -> Path.of(rt.text("plugins", "plugins")), Path.of("plugins"));
        RuntimeConfig.StoreConfig store = rt.has("store") ? p.attempt(() -> store(rt.get("store"), base, p), DEFAULT_STORE) : DEFAULT_STORE;
        RuntimeConfig.ClusterConfig cluster = rt.has("cluster")
                ? p.attempt(() -> cluster(rt.get("cluster"), p), RuntimeConfig.ClusterConfig.defaults()) : RuntimeConfig.ClusterConfig.defaults();
        RuntimeConfig.PmsHttpConfig pmsHttp = RuntimeConfig.PmsHttpConfig.DEFAULT;
        if (rt.has("pmsHttp")) {
            pmsHttp = p.attempt(() -> {
                YamlNode h = p.onlyKeys(rt.get("pmsHttp"), Set.of("connectTimeoutMillis", "responseTimeoutMillis"));
                RuntimeConfig.PmsHttpConfig d = RuntimeConfig.PmsHttpConfig.DEFAULT;
                return new RuntimeConfig.PmsHttpConfig(positive(h, "connectTimeoutMillis", d.connectTimeoutMillis()),
                        positive(h, "responseTimeoutMillis", d.responseTimeoutMillis()));
            }, pmsHttp);
        }
        RuntimeConfig.BreakerConfig breaker = rt.has("breaker")
                ? p.attempt(() -> breaker(rt.get("breaker"), p), RuntimeConfig.BreakerConfig.DEFAULT) : RuntimeConfig.BreakerConfig.DEFAULT;
        boolean deprecated = rt.has("output")
                ? p.attempt(() -> p.onlyKeys(rt.get("output"), Set.of("includeDeprecated")).bool("includeDeprecated", false), false) : false;
        List<SinkConfig> sinks = new ArrayList<>();
        Set<String> sinkNames = new java.util.LinkedHashSet<>();
        if (root.has("sinks")) {
            // a uri sink's component may come from a plugin: looked up with the plugin directory's jars
            CamelComponents components = new CamelComponents(new PluginDirectory(plugins).classLoader(ConfigLoader.class.getClassLoader()));
            for (YamlNode s : p.attempt(() -> root.get("sinks").items(), List.<YamlNode>of())) {
                p.attempt(() -> sinks.add(sinkItem(s, sinkNames, base, components, p)));
            }
        }
        List<AccountConfig> accounts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        if (root.has("accounts")) {
            for (YamlNode a : p.attempt(() -> root.get("accounts").items(), List.<YamlNode>of())) {
                p.attempt(() -> {
                    AccountConfig account = account(a, ids, sinkNames, base, p);
                    if (account != null) {
                        accounts.add(account);
                    }
                });
            }
        }
        RuntimeConfig.ApiConfig api = root.has("api")
                ? p.attempt(() -> api(root.get("api"), base, ids, p), RuntimeConfig.ApiConfig.DISABLED) : RuntimeConfig.ApiConfig.DISABLED;
        RuntimeConfig.OutboxConfig outbox = RuntimeConfig.OutboxConfig.DEFAULT;
        if (root.has("outbox")) {
            outbox = p.attempt(() -> {
                YamlNode o = p.onlyKeys(root.get("outbox"), Set.of("maxAttempts", "leaseSeconds", "sweepMillis"));
                return new RuntimeConfig.OutboxConfig(positive(o, "maxAttempts", 6), positive(o, "leaseSeconds", 120),
                        positive(o, "sweepMillis", 1000));
            }, outbox);
        }
        checkSendLease(outbox, pmsHttp, root, p);
        RuntimeConfig.DeliveryConfig delivery = RuntimeConfig.DeliveryConfig.DEFAULT;
        if (root.has("delivery")) {
            delivery = p.attempt(() -> {
                YamlNode d = p.onlyKeys(root.get("delivery"), Set.of("drainMillis", "leaseSeconds", "maxBacklog"));
                return new RuntimeConfig.DeliveryConfig(positive(d, "drainMillis", 1000), positive(d, "leaseSeconds", 60),
                        positive(d, "maxBacklog", 10_000));
            }, delivery);
        }
        RuntimeConfig.ManagementConfig management = RuntimeConfig.ManagementConfig.DISABLED;
        if (root.has("management")) {
            management = p.attempt(() -> {
                YamlNode m = p.onlyKeys(root.get("management"), Set.of("enabled", "host", "port"));
                int port = m.integer("port", 9876);
                if (port < 1 || port > 65535) {
                    throw m.get("port").error("a TCP port (1-65535)");
                }
                return new RuntimeConfig.ManagementConfig(m.bool("enabled", true), m.text("host", "127.0.0.1"), port);
            }, management);
        }
        return new Checked(new RuntimeConfig(file, mappings, routes, new RuntimeConfig.Extensions(extraRoutes, plugins), store, deprecated, dev, api, outbox, delivery, sinks, accounts,
                management, cluster, pmsHttp, breaker), p.all());
    }

    private RuntimeConfig.StoreConfig store(YamlNode s, Path base, LoadProblems p) {
        p.onlyKeys(s, Set.of("url", "user", "password", "encryptionKey", "previousEncryptionKeys"));
        String url = s.text("url");
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw s.get("url").error("the state store is H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://...)");
        }
        // the store's password is required even for operations commands: they exist to open the store
        return new RuntimeConfig.StoreConfig(url, s.text("user", null), s.has("password") ? secrets.read(s.get("password"), base, p, true) : null,
                encryption(s, base, p));
    }

    private RuntimeConfig.Encryption encryption(YamlNode s, Path base, LoadProblems p) {
        if (!s.has("encryptionKey")) {
            if (s.has("previousEncryptionKeys")) {
                throw s.get("previousEncryptionKeys").error("previous keys only decrypt: set encryptionKey too");
            }
            return null;
        }
        List<Secret> previous = new ArrayList<>();
        if (s.has("previousEncryptionKeys")) {
            s.get("previousEncryptionKeys").items().forEach(k -> previous.add(secrets.read(k, base, p, true)));
        }
        return new RuntimeConfig.Encryption(secrets.read(s.get("encryptionKey"), base, p, true), List.copyOf(previous));
    }

    private static RuntimeConfig.ClusterConfig cluster(YamlNode c, LoadProblems p) {
        p.onlyKeys(c, Set.of("nodeId", "pollThreads", "checkinMillis", "readsInParallel"));
        RuntimeConfig.ClusterConfig d = RuntimeConfig.ClusterConfig.defaults();
        String nodeId = c.text("nodeId", d.nodeId());
        if (!nodeId.matches("[A-Za-z0-9_.-]{1,100}")) {
            throw c.get("nodeId").error("a node id uses letters, digits, '.', '-' and '_' (at most 100)");
        }
        return new RuntimeConfig.ClusterConfig(nodeId, positive(c, "pollThreads", d.pollThreads()),
                positive(c, "checkinMillis", d.checkinMillis()), positive(c, "readsInParallel", d.readsInParallel()));
    }

    private static RuntimeConfig.BreakerConfig breaker(YamlNode b, LoadProblems p) {
        p.onlyKeys(b, Set.of("failures", "openSeconds", "maxOpenSeconds"));
        RuntimeConfig.BreakerConfig d = RuntimeConfig.BreakerConfig.DEFAULT;
        RuntimeConfig.BreakerConfig breaker = new RuntimeConfig.BreakerConfig(positive(b, "failures", d.failures()),
                positive(b, "openSeconds", d.openSeconds()), positive(b, "maxOpenSeconds", d.maxOpenSeconds()));
        if (breaker.maxOpenSeconds() < breaker.openSeconds()) {
            throw (b.has("maxOpenSeconds") ? b.get("maxOpenSeconds") : b).error("maxOpenSeconds must be at least openSeconds");
        }
        return breaker;
    }

    /** One item of {@code sinks}; its name is taken (for the accounts' references) even when the rest is wrong. */
    private SinkConfig sinkItem(YamlNode s, Set<String> sinkNames, Path base, CamelComponents components, LoadProblems p) {
        s.object();
        String name = s.text("name");
        if (!sinkNames.add(name)) {
            throw s.get("name").error("duplicate sink name '" + name + "'");
        }
        if (!name.matches("[A-Za-z0-9_-]+")) {
            p.add(s.get("name").error("sink names use letters, digits, '-' and '_'"));
        }
        String type = s.text("type");
        if (!SINK_TYPES.contains(type)) {
            throw s.get("type").error("unknown sink type '" + type + "'; one of " + new java.util.TreeSet<>(SINK_TYPES));
        }
        return sinks.read(s, name, type, base, components, p);
    }

    /** One item of {@code accounts}, or null when it has no id or source to check it by (its problems are recorded). */
    private AccountConfig account(YamlNode a, Set<String> ids, Set<String> sinkNames, Path base, LoadProblems p) {
        p.onlyKeys(a, Set.of("id", "source", "baseUrl", "timeZone", "credentials", "schedule", "sinks"));
        String id = p.attempt(() -> a.text("id"), null);
        if (id != null && !ids.add(id)) {
            p.add(a.get("id").error("duplicate account id '" + id + "'"));
        } else if (id != null && !id.matches("[A-Za-z0-9_-]+")) {
            p.add(a.get("id").error("account ids use letters, digits, '-' and '_'"));
        }
        String source = p.attempt(() -> a.text("source"), null);
        String baseUrl = p.attempt(() -> a.text("baseUrl", null), null);
        ZoneId zone = !a.has("timeZone") ? null : p.attempt(() -> {
            try {
                return ZoneId.of(a.text("timeZone"));
            } catch (YamlFileException e) {
                throw e;
            } catch (RuntimeException e) {
                throw a.get("timeZone").error("unknown time zone '" + a.text("timeZone") + "'");
            }
        }, null);
        Map<String, Secret> credentials = new LinkedHashMap<>();
        if (a.has("credentials")) {
            p.attempt(() -> a.get("credentials").entries(), Map.<String, YamlNode>of()).forEach((k, v) -> {
                // a wrong reference still names the credential: the account is not also reported as missing it
                credentials.put(k, p.attempt(() -> secrets.read(v, base, p, false), Secret.unavailable("credentials." + k, "invalid reference")));
            });
        }
        String[] schedule = {"60s", null}; // every, cron
        if (a.has("schedule")) {
            p.attempt(() -> {
                YamlNode sch = p.onlyKeys(a.get("schedule"), Set.of("every", "cron"));
                schedule[1] = sch.text("cron", null);
                schedule[0] = sch.text("every", "60s");
                try {
                    Durations.millis(schedule[0]);
                } catch (IllegalArgumentException e) {
                    throw sch.get("every").error(e.getMessage());
                }
            });
        }
        List<String> accountSinks = a.has("sinks") ? p.attempt(() -> a.get("sinks").textList(), List.<String>of()) : List.copyOf(sinkNames);
        for (String s : accountSinks) {
            if (!sinkNames.contains(s)) {
                p.add(a.get("sinks").error("no sink named '" + s + "' in 'sinks'"));
            }
        }
        if (id == null || source == null) {
            return null;
        }
        return new AccountConfig(id, source, baseUrl, zone, credentials, schedule[0], schedule[1], accountSinks, a.place());
    }

    private RuntimeConfig.ApiConfig api(YamlNode a, Path base, Set<String> accountIds, LoadProblems p) {
        p.onlyKeys(a, Set.of("enabled", "host", "port", "maxBodyBytes", "tokens", "publicUrl", "connect"));
        RuntimeConfig.Connect connect = a.has("connect") ? p.attempt(() -> connect(a.get("connect"), base, p), RuntimeConfig.Connect.DEFAULT)
                : RuntimeConfig.Connect.DEFAULT;
        String publicUrl = p.attempt(() -> a.text("publicUrl", null), null);
        if (publicUrl != null && !publicUrl.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
            p.add(a.get("publicUrl").error("an http(s) URL without query, e.g. https://pms.example.com"));
            publicUrl = null;
        }
        int port = p.attempt(() -> a.integer("port", 8080), 8080);
        if (port < 0 || port > 65535) {
            p.add(a.get("port").error("a TCP port (0-65535)"));
        }
        List<RuntimeConfig.ApiToken> tokens = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<YamlNode> items = p.attempt(() -> a.get("tokens").items(), null);
        for (YamlNode t : items == null ? List.<YamlNode>of() : items) {
            p.attempt(() -> tokens.add(apiToken(t, names, accountIds, base, p)));
        }
        if (items != null && items.isEmpty()) {
            p.add(a.get("tokens").error("the API needs at least one token"));
        }
        return new RuntimeConfig.ApiConfig(a.bool("enabled", true), a.text("host", "127.0.0.1"), port,
                a.integer("maxBodyBytes", 1_048_576), tokens, publicUrl == null ? null : publicUrl.replaceAll("/+$", ""), connect);
    }

    private RuntimeConfig.Connect connect(YamlNode c, Path base, LoadProblems p) {
        p.onlyKeys(c, Set.of("sessionTtlSeconds", "oauth"));
        Map<String, RuntimeConfig.OAuthApp> apps = new java.util.LinkedHashMap<>();
        if (c.has("oauth")) {
            c.get("oauth").entries().forEach((source, app) -> p.attempt(() -> {
                p.onlyKeys(app, Set.of("clientId", "clientSecret", "authorizeUrl", "tokenUrl"));
                apps.put(source, new RuntimeConfig.OAuthApp(secrets.read(app.get("clientId"), base, p, false),
                        secrets.read(app.get("clientSecret"), base, p, false), app.text("authorizeUrl", null), app.text("tokenUrl", null)));
            }));
        }
        return new RuntimeConfig.Connect(positive(c, "sessionTtlSeconds", 3600), Map.copyOf(apps));
    }

    private RuntimeConfig.ApiToken apiToken(YamlNode t, Set<String> names, Set<String> accountIds, Path base, LoadProblems p) {
        p.onlyKeys(t, Set.of("name", "token", "accounts"));
        String name = t.text("name");
        if (!names.add(name)) {
            throw t.get("name").error("duplicate token name '" + name + "'");
        }
        Set<String> scope = null;
        if (t.has("accounts")) {
            scope = new java.util.LinkedHashSet<>(t.get("accounts").textList());
            for (String id : scope) {
                if (!accountIds.contains(id)) {
                    p.add(t.get("accounts").error("no account '" + id + "' in 'accounts'"));
                }
            }
        }
        Secret token = secrets.read(t.get("token"), base, p, false);
        if (token.available() && token.reveal().length() < 16) {
            throw t.get("token").error("API tokens must have at least 16 characters");
        }
        return new RuntimeConfig.ApiToken(name, token, scope);
    }

    /**
     * A send's claim must outlast the send call: a claim older than its lease is taken over by another worker (the
     * holder is taken for dead), and one taken over while its call is still under way would reach the guest twice.
     */
    private static void checkSendLease(RuntimeConfig.OutboxConfig outbox, RuntimeConfig.PmsHttpConfig http, YamlNode root, LoadProblems p) {
        long call = (long) http.connectTimeoutMillis() + http.responseTimeoutMillis();
        if (outbox.leaseSeconds() * 1000L > call) {
            return;
        }
        YamlNode o = root.get("outbox");
        YamlNode where = o.isMissing() ? root : o.has("leaseSeconds") ? o.get("leaseSeconds") : o;
        p.add(where.error("the send lease (" + outbox.leaseSeconds() + " s) must be longer than a send call may take, "
                + "runtime.pmsHttp.connectTimeoutMillis + responseTimeoutMillis (" + call + " ms): another node would take over "
                + "a send still under way, and the guest would get the message twice"));
    }

    static int positive(YamlNode n, String key, int fallback) {
        int v = n.integer(key, fallback);
        if (v < 1) {
            throw n.get(key).error("must be at least 1");
        }
        return v;
    }
}
