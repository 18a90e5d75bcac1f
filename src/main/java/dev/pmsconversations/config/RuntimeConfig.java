package dev.pmsconversations.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration file, validated. {@code routes}: the runtime's route directory; {@code extensions}: the
 * user's own route files and plugin directory.
 */
public record RuntimeConfig(Path file, Path mappings, Path routes, Extensions extensions, StoreConfig store, boolean includeDeprecated,
                            boolean devMode, ApiConfig api, OutboxConfig outbox, DeliveryConfig delivery, List<SinkConfig> sinks,
                            List<AccountConfig> accounts, ManagementConfig management, ClusterConfig cluster,
                            PmsHttpConfig pmsHttp, BreakerConfig breaker) {

    /**
     * Camel's management HTTP server: health checks (/observe/health, /live, /ready) and Prometheus metrics
     * (/observe/metrics), without a token: bind it to an address only operators and scrapers reach.
     */
    public record ManagementConfig(boolean enabled, String host, int port) {
        public static final ManagementConfig DISABLED = new ManagementConfig(false, "127.0.0.1", 9876);
    }

    /**
     * This node among the runtimes sharing one store: its id (in logs, in the scheduler's cluster table and in
     * the User-Agent of PMS requests), how many account polls it runs at once, and, on PostgreSQL, how often it
     * checks in with the clustered Quartz scheduler (a node silent for longer is taken for dead and its
     * accounts' polls move to the others).
     */
    public record ClusterConfig(String nodeId, int pollThreads, int checkinMillis, int readsInParallel) {
        public ClusterConfig(String nodeId, int pollThreads, int checkinMillis) {
            this(nodeId, pollThreads, checkinMillis, 4);
        }

        public static ClusterConfig defaults() {
            return new ClusterConfig(defaultNodeId(), 10, 5000, 4);
        }

        /** Threads of the poll workers: each running poll reads up to {@code readsInParallel} threads, and lists on one more. */
        public int pollWorkers() {
            return pollThreads * (readsInParallel + 1);
        }

        /** host name and process id: unique per process, readable in logs. */
        public static String defaultNodeId() {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "node";
            }
            return host + "-" + ProcessHandle.current().pid();
        }
    }

    /** Requests to the PMSs: how long to wait for a connection and for an answer before the attempt counts as failed. */
    public record PmsHttpConfig(int connectTimeoutMillis, int responseTimeoutMillis) {
        public static final PmsHttpConfig DEFAULT = new PmsHttpConfig(10_000, 30_000);
    }

    /**
     * The per-account circuit breaker of the polls: open after {@code failures} failed polls in a row (at once when
     * the PMS refuses the credentials), for {@code openSeconds}, doubling after each failed trial up to
     * {@code maxOpenSeconds}.
     */
    public record BreakerConfig(int failures, int openSeconds, int maxOpenSeconds) {
        public static final BreakerConfig DEFAULT = new BreakerConfig(3, 60, 1800);
    }

    /** State store connection; H2 file by default, PostgreSQL by URL. */
    /** {@code encryption}: the key for the credentials of accounts created at run time (null: none can be created). */
    public record StoreConfig(String url, String user, Secret password, Encryption encryption) {
    }

    /**
     * {@code runtime.store.encryptionKey} and {@code previousEncryptionKeys}: the key that encrypts, and keys being replaced
     * that still decrypt until {@code accounts rekey} has re-encrypted everything under the new one.
     */
    public record Encryption(Secret key, List<Secret> previous) {
    }

    /**
     * The REST API and webhook receiver (one HTTP server). Disabled when the file has no {@code api:}
     * section; then webhooks cannot be received either.
     */
    /**
     * @param publicUrl where the PMSs and hosts reach this API from outside (webhook subscriptions, the connect page); null: not set
     * @param connect   the connect page's settings
     */
    public record ApiConfig(boolean enabled, String host, int port, long maxBodyBytes, List<ApiToken> tokens, String publicUrl,
                            Connect connect) {
        public static final ApiConfig DISABLED = new ApiConfig(false, "127.0.0.1", 8080, 1_048_576, List.of(), null, Connect.DEFAULT);

        public ApiConfig(boolean enabled, String host, int port, long maxBodyBytes, List<ApiToken> tokens) {
            this(enabled, host, port, maxBodyBytes, tokens, null, Connect.DEFAULT);
        }

        public ApiConfig withPublicUrl(String url, Connect settings) {
            return new ApiConfig(enabled, host, port, maxBodyBytes, tokens, url, settings);
        }
    }

    /**
     * {@code api.connect}: how long a connect link stays valid, and our OAuth application at the PMSs whose accounts connect
     * by OAuth (its client id and secret, by source).
     */
    public record Connect(int sessionTtlSeconds, Map<String, OAuthApp> oauth) {
        public static final Connect DEFAULT = new Connect(3600, Map.of());
    }

    /**
     * The operator's OAuth application at a PMS (the connect page's authorization-code flow); {@code authorizeUrl} and
     * {@code tokenUrl}, when set, replace the source file's (a PMS's sandbox, the simulator).
     */
    public record OAuthApp(Secret clientId, Secret clientSecret, String authorizeUrl, String tokenUrl) {
        public OAuthApp(Secret clientId, Secret clientSecret) {
            this(clientId, clientSecret, null, null);
        }
    }

    /** A bearer token for the API; {@code accounts == null} means every account. */
    public record ApiToken(String name, Secret token, Set<String> accounts) {
    }

    /** Sending: attempts before FAILED, and how long a claimed send may run before another worker takes over. */
    public record OutboxConfig(int maxAttempts, int leaseSeconds, int sweepMillis) {
        public static final OutboxConfig DEFAULT = new OutboxConfig(6, 120, 1000);
    }

    /**
     * Delivery to sinks: how often each sink's queue is drained, how long a claimed delivery may run before
     * another worker retries it, and the backlog per account at which its polls wait.
     */
    public record DeliveryConfig(int drainMillis, int leaseSeconds, int maxBacklog) {
        public static final DeliveryConfig DEFAULT = new DeliveryConfig(1000, 60, 10_000);
    }

    public Map<String, SinkConfig> sinksByName() {
        Map<String, SinkConfig> out = new java.util.LinkedHashMap<>();
        sinks.forEach(s -> out.put(s.name(), s));
        return out;
    }

    /**
     * The user's additions (docs/extending.md): route files (globs, loaded after the runtime's routes) and the
     * directory of plugin jars (Camel components and their libraries, loaded at start-up).
     */
    public record Extensions(List<String> routes, Path plugins) {
        public static final Extensions DEFAULT = new Extensions(List.of(), Path.of("plugins"));
    }

    /** The user's route files (globs). */
    public List<String> extraRoutes() {
        return extensions.routes();
    }

    public RuntimeConfig withExtraRoutes(List<String> replaced) {
        return new RuntimeConfig(file, mappings, routes, new Extensions(replaced, extensions.plugins()), store, includeDeprecated, devMode, api, outbox, delivery, sinks, accounts, management, cluster, pmsHttp, breaker);
    }

    public RuntimeConfig withAccounts(List<AccountConfig> replaced) {
        return new RuntimeConfig(file, mappings, routes, extensions, store, includeDeprecated, devMode, api, outbox, delivery, sinks, replaced, management, cluster, pmsHttp, breaker);
    }

    public RuntimeConfig withStore(StoreConfig replaced) {
        return new RuntimeConfig(file, mappings, routes, extensions, replaced, includeDeprecated, devMode, api, outbox, delivery, sinks, accounts, management, cluster, pmsHttp, breaker);
    }

    public RuntimeConfig withMappings(Path replaced) {
        return new RuntimeConfig(file, replaced, routes, extensions, store, includeDeprecated, devMode, api, outbox, delivery, sinks, accounts, management, cluster, pmsHttp, breaker);
    }

    public RuntimeConfig withDevMode(boolean dev) {
        return new RuntimeConfig(file, mappings, routes, extensions, store, includeDeprecated, dev, api, outbox, delivery, sinks, accounts, management, cluster, pmsHttp, breaker);
    }

    public RuntimeConfig withApi(ApiConfig replaced) {
        return new RuntimeConfig(file, mappings, routes, extensions, store, includeDeprecated, devMode, replaced, outbox, delivery, sinks, accounts, management, cluster, pmsHttp, breaker);
    }

    public RuntimeConfig withOutbox(OutboxConfig replaced) {
        return new RuntimeConfig(file, mappings, routes, extensions, store, includeDeprecated, devMode, api, replaced, delivery, sinks, accounts, management, cluster, pmsHttp, breaker);
    }

    public RuntimeConfig withCluster(ClusterConfig replaced) {
        return new RuntimeConfig(file, mappings, routes, extensions, store, includeDeprecated, devMode, api, outbox, delivery, sinks, accounts, management, replaced, pmsHttp, breaker);
    }

    public RuntimeConfig withBreaker(BreakerConfig replaced) {
        return new RuntimeConfig(file, mappings, routes, extensions, store, includeDeprecated, devMode, api, outbox, delivery, sinks, accounts, management,
                cluster, pmsHttp, replaced);
    }

    public RuntimeConfig withManagement(ManagementConfig replaced) {
        return new RuntimeConfig(file, mappings, routes, extensions, store, includeDeprecated, devMode, api, outbox, delivery, sinks, accounts, replaced, cluster, pmsHttp, breaker);
    }
}
