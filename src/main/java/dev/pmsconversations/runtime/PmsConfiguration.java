package dev.pmsconversations.runtime;

import dev.pmsconversations.api.ApiAuth;
import dev.pmsconversations.api.ApiErrors;
import dev.pmsconversations.api.ConversationApi;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.delivery.BrokerSinks;
import dev.pmsconversations.delivery.DeliveryService;
import dev.pmsconversations.delivery.DeliveryStore;
import dev.pmsconversations.delivery.SinkSigner;
import dev.pmsconversations.outbox.OutboxService;
import dev.pmsconversations.outbox.OutboxStore;
import dev.pmsconversations.webhook.WebhookInbox;
import dev.pmsconversations.webhook.WebhookService;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.config.SinkConfig;
import dev.pmsconversations.source.PmsHttp;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.sync.EventFormat;
import dev.pmsconversations.sync.SyncService;
import java.util.List;
import java.util.function.Function;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.MainConfigurationProperties;

/**
 * Wires the runtime the camel-main way: routes come from {@code routes/*.camel.yaml} (live-reloaded in dev
 * mode), the engine's beans are bound to the registry, and one poll route per account plus one route per
 * sink are instantiated from the YAML templates. Used by {@code run}, {@code demo} and the tests alike.
 */
public final class PmsConfiguration implements CamelConfiguration {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PmsConfiguration.class);
    private final RuntimeConfig config;
    private final SourceRegistry sources;
    private final Function<AccountConfig, String> quartzOptions;
    private java.time.Clock clock = java.time.Clock.systemUTC();
    private StateStore store;
    /** Set once the store and clients exist; a poll firing before then (it cannot: routes start first) finds none. */
    private volatile AccountFollower follower;
    private SyncService sync;
    private dev.pmsconversations.account.AccountClients clients;
    private OutboxService outbox;
    private DeliveryService deliveries;
    /** The runtime's class loader with the plugin directory's jars (docs/extending.md). */
    private final ClassLoader plugins;

    /** Loads and checks everything up front: a bad mapping or config fails here, before Camel starts. */
    public PmsConfiguration(RuntimeConfig config, Function<AccountConfig, String> quartzOptions) {
        this.config = config;
        this.sources = SourceRegistry.load(config.mappings(), config.devMode());
        this.plugins = new dev.pmsconversations.plugins.PluginDirectory(config.extensions().plugins())
                .classLoader(PmsConfiguration.class.getClassLoader());
        List<String> problems = new java.util.ArrayList<>(dev.pmsconversations.source.AccountChecks.problems(config, sources));
        if (!config.extraRoutes().isEmpty()) {
            // the user's routes, and their ids against the runtime's, before Camel starts (~0.1 s of start-up: only
            // when there are any; `validate` checks the runtime's own files too)
            dev.pmsconversations.components.RouteChecks.problems(config.routes(), config.extraRoutes(),
                    new dev.pmsconversations.components.CamelComponents(plugins)).forEach(p -> problems.add(p.getMessage()));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("\n", problems));
        }
        this.quartzOptions = quartzOptions;
    }

    public PmsConfiguration(RuntimeConfig config) {
        this(config, AccountConfig::quartzOptions);
    }

    /** Applies to a {@code Main} (run, demo): its configuration and {@link #camelProperties()}. */
    public void apply(org.apache.camel.main.Main main) {
        apply(main.configure());
        camelProperties().forEach((k, v) -> main.addInitialProperty((String) k, (String) v));
    }

    /**
     * The camel-main options that camel-main reads from properties only ({@code camel.metrics.*}: set on
     * {@code main.metrics()} they are not applied). Camel's exchange event notifier searches every meter on each
     * exchange (its cost grows with the accounts' meters) and is off; Camel's route policy would add meters for each
     * account's poll route, so ours (configure) replaces it.
     */
    public java.util.Properties camelProperties() {
        java.util.Properties p = new java.util.Properties();
        if (config.management().enabled()) {
            p.setProperty("camel.metrics.enabled", "true");
            p.setProperty("camel.metrics.binders", "processor,jvm-info,jvm-gc,jvm-memory,jvm-thread");
            p.setProperty("camel.metrics.enableExchangeEventNotifier", "false");
            p.setProperty("camel.metrics.enableRoutePolicy", "false");
        }
        return p;
    }

    /** Applies to camel-main's configuration (the {@code Main} of {@code run}, or a CamelMainTestSupport test). */
    public void apply(MainConfigurationProperties main) {
        // the runtime's routes, then the user's (runtime.extraRoutes, resolved to files as validate checked them)
        StringBuilder include = new StringBuilder("file:" + config.routes().toString().replace('\\', '/') + "/*.camel.yaml");
        dev.pmsconversations.components.RouteChecks.userFiles(config.extraRoutes())
                .forEach(f -> include.append(",file:").append(f.toString().replace('\\', '/')));
        main.withRoutesIncludePattern(include.toString());
        RuntimeConfig.ApiConfig api = config.api();
        if (api.enabled()) {
            main.httpServer().withEnabled(true).withHost(api.host()).withPort(api.port()).withMaxBodySize(api.maxBodyBytes());
        } else {
            // no HTTP server: the API and webhook routes are not loaded (nothing could reach them)
            main.withRoutesExcludePattern("file:" + config.routes().toString().replace('\\', '/') + "/api.camel.yaml");
        }
        RuntimeConfig.ManagementConfig management = config.management();
        if (management.enabled()) {
            main.httpManagementServer().withEnabled(true).withHost(management.host()).withPort(management.port())
                    .withHealthCheckEnabled(true).withMetricsEnabled(true);
            main.metrics().withEnabled(true); // its options: camelProperties()
            main.health().withExposureLevel("full"); // each check with its details (an account's last good poll, failures)
        }
        // Camel's MDC logging stays off: the engine puts account, source, conversation, event and sink in the MDC
        // itself where that work starts (LogContext); Camel's would match every MDC key against a keys pattern,
        // compiled as a regular expression, on every step of every exchange
        main.addConfiguration(this);
        main.addRoutesBuilder(new AccountRoutes());
    }

    @Override
    public void configure(CamelContext context) {
        context.addRoutePolicyFactory(new dev.pmsconversations.exchange.LogContextReset());
        if (plugins != PmsConfiguration.class.getClassLoader()) { // Camel finds components and languages through it
            context.setApplicationContextClassLoader(plugins);
            var jars = new dev.pmsconversations.plugins.PluginDirectory(config.extensions().plugins()).jars();
            LOG.info("Plugins: {} jars from {} ({})", jars.size(), config.extensions().plugins(),
                    jars.stream().map(j -> j.getFileName().toString()).toList());
        }
        if (config.devMode()) { // a saved route file is reloaded, once checked
            SafeRouteReload reload = new SafeRouteReload(reloadDirectory(), !config.extraRoutes().isEmpty());
            try {
                context.addService(reload);
            } catch (Exception e) {
                throw new IllegalStateException("dev mode's route reload could not be set up: " + e.getMessage(), e);
            }
        }
        // retries are the engine's (per-account limits, Retry-After, backoff, 429 counted): HttpClient must not
        // silently re-send a 429/503 itself, neither to a PMS nor to an HTTP sink
        // each poll thread's poll reads up to readsInParallel threads at once; sends and sinks beside
        int connections = config.cluster().pollThreads() * config.cluster().readsInParallel() + 10;
        for (String scheme : new String[] {"http", "https"}) {
            var http = context.getComponent(scheme, org.apache.camel.component.http.HttpComponent.class);
            http.setAutomaticRetriesDisabled(true);
            // one PMS host serves all accounts of that PMS: HttpClient's default of 20 connections per host made
            // poll threads queue for a connection
            http.setConnectionsPerRoute(Math.max(20, connections));
            http.setMaxTotalConnections(Math.max(200, 2 * connections));
            // no cookie jar: it would be shared by every account of a PMS (a cookie set on one account's answer sent
            // with the next account's requests), and its lock is taken on every request
            http.setCookieManagementDisabled(true);
        }
        if (config.management().enabled()) {
            // route meters (exchanges, failures, timings) for the runtime's routes, not for each account's poll route:
            // the pms_* meters count polls per account
            var routeMeters = new org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration();
            routeMeters.setExcludePattern(POLL_ROUTE + "*");
            var policies = new org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory();
            policies.setPolicyConfiguration(routeMeters);
            context.addRoutePolicyFactory(policies);
        }
        if (config.api().enabled()) { // also alone: with port 0 Camel's engine looks for the router under the real port
            context.getComponent("platform-http", org.apache.camel.component.platform.http.PlatformHttpComponent.class)
                    .setEngine(new ApiHttpEngine(config.api().port()));
        }
        // the poll workers borrow a connection for each statement only (they mostly wait on the PMS): not one each
        store = new StateStore(config.store(), config.cluster().pollThreads() + 8);
        dev.pmsconversations.source.MissingRefreshTokens.warnAtStart(config.accounts(), sources, dev.pmsconversations.source.RefreshTokens.in(store));
        // accounts created at run time: in the store, credentials encrypted; every node follows them (routes/accounts.camel.yaml)
        dev.pmsconversations.account.AccountStore accountStore = new dev.pmsconversations.account.AccountStore(store.jdbc(),
                dev.pmsconversations.account.CredentialCipher.of(config.store()));
        // Quartz (clustered on PostgreSQL) on its own connections: up to one per poll thread, the scheduler, check-in, misfires
        var schedule = dev.pmsconversations.cluster.PollScheduler.configure(context,
                store.jdbc().postgres() ? store.schedulerPool(config.cluster().pollThreads() + 3) : store.dataSource(), store.jdbc().postgres(),
                config.cluster(), config.accounts(), accountStore::liveIds, id -> {
                    AccountFollower f = follower;
                    if (f != null && accountStore.load(id).isPresent()) { // a store account (another node's file's is none of ours)
                        f.followOne(id);
                    }
                });
        // an account's sinks as it is now (accounts come and go at run time): read through the clients, made below
        java.util.function.Function<String, java.util.List<String>> accountSinks = id -> {
            AccountConfig a = clients == null ? null : clients.account(id);
            return a == null ? java.util.List.of() : a.sinks();
        };
        deliveries = new DeliveryService(new DeliveryStore(store.jdbc()), store.jdbc(), config.sinksByName(), accountSinks,
                java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(config.delivery().leaseSeconds()), config.delivery().maxBacklog());
        context.getPropertiesComponent().addInitialProperty("pms.delivery.drainMillis", Integer.toString(config.delivery().drainMillis()));
        context.getRegistry().bind("deliveryService", deliveries);
        context.getRegistry().bind("sinkSigner", new SinkSigner(config.sinksByName()));
        BrokerSinks brokers = new BrokerSinks(context, config.sinks());
        context.getRegistry().bind("brokerSinks", brokers);
        // several nodes share one PostgreSQL: the PMSs' limits are counted there, so together they stay under them
        // a stop ends the waits for permits (the requests are not made; reads and sends are done again after)
        java.util.function.BooleanSupplier stopping = dev.pmsconversations.exchange.Stopping.of(context);
        dev.pmsconversations.limits.RequestPermits permits = store.jdbc().postgres()
                ? new dev.pmsconversations.limits.SharedPermits(store.jdbc(), stopping) : dev.pmsconversations.limits.RequestPermits.local(stopping);
        PmsHttp pmsHttp = new PmsHttp(context, config.cluster().nodeId(), config.pmsHttp());
        clients = new dev.pmsconversations.account.AccountClients(sources, pmsHttp,
                dev.pmsconversations.source.RefreshTokens.in(store), permits, config.accounts());
        sync = new SyncService(clients, store, clock, deliveries);
        sync.useBreakers(config.breaker());
        sync.readInParallel(config.cluster().readsInParallel());
        // the poll workers (routes/sync-account.camel.yaml's split): an unbounded queue, as ReadSlots bounds what each
        // poll hands them; one thread more per poll than it reads at once, for the one that waits for a slot. Not one of
        // Camel's managed pools: a stop rejects their new tasks at once (failing polls that are ending anyway) and then
        // waits up to 10 s for their running ones; a stop ends these polls' listings (ReadSlots), each poll ends once its
        // reads in flight have, and the threads are daemons: a read still waiting on a PMS at the shutdown timeout does
        // not hold the process
        java.util.concurrent.atomic.AtomicInteger workerCount = new java.util.concurrent.atomic.AtomicInteger();
        var workers = new java.util.concurrent.ThreadPoolExecutor(config.cluster().pollWorkers(), config.cluster().pollWorkers(),
                60, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "pms-poll-worker-" + workerCount.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        workers.allowCoreThreadTimeOut(true);
        context.getRegistry().bind("pollWorkers", workers);
        // a source file that changed since the store's conversations were mapped has them mapped again
        sources.all().values().stream().filter(d -> d.messaging()).forEach(sync.failures()::mappingVersion);
        sources.onReload(sync.failures()::mappingVersion);
        context.getRegistry().bind("stateStore", store);
        context.getRegistry().bind("sourceRegistry", sources);
        context.getRegistry().bind("syncService", sync);
        context.getRegistry().bind("failedReads", sync.failures());
        context.getRegistry().bind("eventFormat", new EventFormat(config.includeDeprecated()));
        context.getRegistry().bind("eventLogRotation", new dev.pmsconversations.delivery.EventLogRotation(java.time.Clock.systemUTC()));
        RuntimeConfig.OutboxConfig oc = config.outbox();
        // sending and webhook checks run on real time; `clock` only pins the sync's date windows in tests
        java.time.Clock realTime = java.time.Clock.systemUTC();
        outbox = new OutboxService(new OutboxStore(store.jdbc()), clients, realTime, java.time.Duration.ofSeconds(oc.leaseSeconds()),
                oc.maxAttempts());
        context.getPropertiesComponent().addInitialProperty("pms.outbox.sweepMillis", Integer.toString(oc.sweepMillis()));
        context.getRegistry().bind("outboxService", outbox);
        WebhookService webhooks = new WebhookService(sources, clients::account, new WebhookInbox(store.jdbc()), store, realTime, 5);
        context.getRegistry().bind("webhookService", webhooks);
        context.getRegistry().bind("apiAuth", new ApiAuth(config.api().tokens()));
        context.getRegistry().bind("apiErrors", new ApiErrors());
        context.getRegistry().bind("responseHeaders", new dev.pmsconversations.api.ResponseHeaders());
        context.getRegistry().bind("statusApi", new dev.pmsconversations.api.StatusApi(sync, store.jdbc(), config.sinks(), schedule,
                config.cluster().nodeId(), new WebhookInbox(store.jdbc())::countsByStatus));
        context.getRegistry().bind("deadLetterApi", new dev.pmsconversations.api.DeadLetterApi(deliveries, store.readFailures(),
                config.sinksByName().keySet(), clients.ids()));
        follower = new AccountFollower(context, accountStore, clients, quartzOptions, sync::erase, sync::accountChanged);
        context.getRegistry().bind("accountFollower", follower);
        // each account's status for the whole cluster, and the lifecycle events (account.*) to its sinks
        dev.pmsconversations.account.AccountHealth health = new dev.pmsconversations.account.AccountHealth(store.jdbc(), realTime, clients,
                accountStore, deliveries::queue);
        sync.useHealth(health);
        var accountApi = new dev.pmsconversations.api.AccountApi(store, sources, clients, accountStore,
                config.sinksByName().keySet(), health, follower::followOne, realTime, config.api().publicUrl());
        context.getRegistry().bind("accountApi", accountApi);
        // the connect page for hosts: one-time links, API-key form or the PMS's OAuth, then the account as the API makes it
        context.getRegistry().bind("connectApi", new dev.pmsconversations.api.ConnectApi(new dev.pmsconversations.account.ConnectSessions(
                store.jdbc(), realTime), accountApi, sources, config.sinksByName().keySet(), config.api(), pmsHttp, realTime));
        context.getRegistry().bind("routeAccess", new dev.pmsconversations.api.RouteAccess());
        context.getRegistry().bind("conversationApi", new ConversationApi(store, clients, outbox, config.includeDeprecated()));
        RuntimeHealth.register(context, store, sync, config.accounts(), config.sinks());
        context.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStarted(CamelContext ctx) {
                // the Prometheus registry camel-main creates when metrics are on (management server enabled)
                io.micrometer.core.instrument.MeterRegistry meters = ctx.getRegistry().findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
                if (meters != null) {
                    RuntimeMetrics.bind(meters, sync, clients, webhooks, store.jdbc(), config.accounts(), config.sinks(), schedule);
                }
                // accounts created at run time get the health check and meters the file's accounts get at start
                follower.onChange(a -> {
                    RuntimeHealth.accountAdded(ctx, sync, a.id());
                    if (meters != null) {
                        RuntimeMetrics.accountMeters(meters, sync, clients, a);
                    }
                }, id -> {
                    RuntimeHealth.accountRemoved(ctx, id);
                    if (meters != null) {
                        RuntimeMetrics.removeAccountMeters(meters, id);
                    }
                });
            }

            @Override
            public void onContextStopped(CamelContext ctx) {
                brokers.close();
                store.close();
            }
        });
    }

    /** The clock that date windows of incremental polls are computed from (tests pin it). */
    public PmsConfiguration withClock(java.time.Clock clock) {
        this.clock = clock;
        return this;
    }

    public SyncService sync() {
        return sync;
    }

    public DeliveryService deliveries() {
        return deliveries;
    }

    public OutboxService outbox() {
        return outbox;
    }

    public StateStore store() {
        return store;
    }

    public SourceRegistry sources() {
        return sources;
    }

    /** What dev mode watches: the routes directory, or the directory that holds it and every user route file. */
    private String reloadDirectory() {
        java.nio.file.Path watched = config.routes().toAbsolutePath().normalize();
        for (String glob : config.extraRoutes()) {
            java.nio.file.Path dir = dev.pmsconversations.components.RouteFiles.directory(glob).toAbsolutePath().normalize();
            while (!dir.startsWith(watched)) {
                watched = watched.getParent();
            }
        }
        return watched.toString();
    }

    public RuntimeConfig config() {
        return config;
    }

    /** An account's poll route is this prefix and the account id (the route meters leave these out). */
    static final String POLL_ROUTE = "poll-";

    /** One route per account and per sink, from the templates in routes/. */
    private final class AccountRoutes extends RouteBuilder {
        @Override
        public void configure() {
            for (SinkConfig sink : config.sinks()) {
                var route = templatedRoute(sink.template()).routeId("sink-" + sink.name()).parameter("name", sink.name());
                sink.options().forEach(route::parameter);
                templatedRoute("drain-sink").routeId("drain-" + sink.name()).parameter("name", sink.name());
                templatedRoute("deliver-async").routeId("deliver-async-" + sink.name()).parameter("name", sink.name());
            }
            for (AccountConfig account : config.accounts()) {
                templatedRoute("poll-conversations").routeId(POLL_ROUTE + account.id())
                        .parameter("accountId", account.id())
                        .parameter("quartzOptions", quartzOptions.apply(account));
            }
        }
    }
}
