package dev.pmsconversations.runtime;

import dev.pmsconversations.account.AccountClients;
import dev.pmsconversations.account.AccountStore;
import dev.pmsconversations.account.StoredAccount;
import dev.pmsconversations.config.AccountConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node follow the accounts created at run time ({@code pms_account}): every {@code followMillis} (routes/
 * accounts.camel.yaml) it compares the rows' versions with the ones it applied; a new or changed account gets its client
 * and its poll route (from the same template as the configured ones), a paused one loses its poll route, a removed one
 * both. On PostgreSQL the poll triggers live in the clustered Quartz store, so each account is still polled by one node
 * at a time; a paused or removed account's trigger is deleted there (whichever node gets there first).
 */
public final class AccountFollower {
    private static final Logger LOG = LoggerFactory.getLogger(AccountFollower.class);
    private final CamelContext context;
    private final AccountStore store;
    private final AccountClients clients;
    private final Function<AccountConfig, String> quartzOptions;
    /** Runs an erasure when no save of this node is in flight (sync.SyncService#erase). */
    private final java.util.function.Consumer<Runnable> eraser;
    /** Id to the version applied here (negative: removed, as {@link AccountStore#versions}). */
    private final Map<String, Long> applied = new HashMap<>();
    /** Id to the version whose failure to apply was logged (retried every pass, logged once). */
    private final Map<String, Long> warned = new HashMap<>();
    /** Told of each account this node starts and stops following (its meters): none until {@link #onChange}. */
    private java.util.function.Consumer<AccountConfig> added = a -> { };
    private java.util.function.Consumer<String> removed = id -> { };
    /** Told of each version of an account applied here (its poll breaker starts again: new credentials get polled). */
    private final java.util.function.Consumer<String> changed;
    private static final String SUMMARY_NOTIFIER = "org.apache.camel.component.platform.http.main.MainHttpServerUtil$";
    /** The event notifiers of the started context, before this node added any route (see {@link #pruneSummaryNotifiers}). */
    private Set<org.apache.camel.spi.EventNotifier> startupNotifiers;

    /** Notes the started context's notifiers once, before the first route is added here. */
    private void noteStartupNotifiers() {
        if (startupNotifiers == null) {
            startupNotifiers = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            startupNotifiers.addAll(context.getManagementStrategy().getEventNotifiers());
        }
    }
    /** The poll options of the accounts this node has a poll route for. */
    private final Map<String, String> polling = new HashMap<>();

    AccountFollower(CamelContext context, AccountStore store, AccountClients clients, Function<AccountConfig, String> quartzOptions,
                    java.util.function.Consumer<Runnable> eraser, java.util.function.Consumer<String> changed) {
        this.context = context;
        this.changed = changed;
        this.eraser = eraser;
        this.store = store;
        this.clients = clients;
        this.quartzOptions = quartzOptions;
    }

    /** Sets who is told of accounts added and removed here; told at once of those followed already. */
    synchronized void onChange(java.util.function.Consumer<AccountConfig> added, java.util.function.Consumer<String> removed) {
        this.added = added;
        this.removed = removed;
        clients.all().stream().filter(a -> !clients.fromConfiguration(a.id())).forEach(added);
    }

    /**
     * Applies one account's row now (the API's own change: reading every row's version for it would make creating N
     * accounts cost N² reads); the periodic {@link #follow} catches anything this misses.
     */
    public synchronized void followOne(String id) {
        if (!context.getStatus().isStarted()) {
            return;
        }
        noteStartupNotifiers();
        Optional<StoredAccount> row = store.load(id);
        try {
            apply(id, row);
            if (row.isPresent()) {
                applied.put(id, row.get().removed() ? -row.get().version() : row.get().version()); // as versions() has it
            } else {
                applied.remove(id);
            }
        } catch (RuntimeException e) {
            LOG.warn("Account '{}' (created at run time) could not be applied on this node; tried again every pass: {}", id, e.getMessage());
        }
        pruneSummaryNotifiers();
    }

    /** Applies what changed in the store since the last call; an account that fails to apply is tried again next time. */
    public synchronized void follow() {
        if (!context.getStatus().isStarted()) {
            return; // routes are added to a started context only: the next tick
        }
        noteStartupNotifiers();
        Map<String, Long> versions = store.versions();
        Set<String> gone = new HashSet<>(applied.keySet());
        gone.removeAll(versions.keySet()); // rows deleted outright (a tombstone is normally kept)
        for (String id : gone) {
            stop(id, true);
            applied.remove(id);
        }
        for (Map.Entry<String, Long> v : versions.entrySet()) {
            if (v.getValue().equals(applied.get(v.getKey()))) {
                continue;
            }
            try {
                apply(v.getKey(), store.load(v.getKey()));
                applied.put(v.getKey(), v.getValue());
            } catch (RuntimeException e) {
                if (!v.getValue().equals(warned.put(v.getKey(), v.getValue()))) {
                    LOG.warn("Account '{}' (created at run time) could not be applied on this node; tried again every pass: {}", v.getKey(),
                            e.getMessage());
                }
            }
        }
        pruneSummaryNotifiers();
    }

    /**
     * Camel 4.14's platform-http-main registers a startup listener that adds an event notifier (to log its HTTP endpoints
     * summary) each time routes start in a started context: two more per poll route added here (one per HTTP server),
     * each asked about every exchange event. With 10,000 accounts created through the API that was 20,000 notifiers and
     * five times the CPU of polling the same accounts from the file (bench/scale). The summary was logged at start: the
     * copies added later are dropped.
     */
    private void pruneSummaryNotifiers() {
        var strategy = context.getManagementStrategy();
        for (org.apache.camel.spi.EventNotifier n : java.util.List.copyOf(strategy.getEventNotifiers())) {
            if (n.getClass().getName().startsWith(SUMMARY_NOTIFIER) && !startupNotifiers.contains(n)) {
                strategy.removeEventNotifier(n);
            }
        }
    }

    private void apply(String id, Optional<StoredAccount> row) {
        if (clients.fromConfiguration(id)) {
            LOG.warn("Account '{}' is in the configuration file and in the store: the file's wins", id);
            return;
        }
        if (row.isEmpty() || row.get().removed()) {
            stop(id, true);
            if (clients.remove(id)) {
                removed.accept(id);
                // this node worked on it: with purge, its rows are erased once nothing of this node can write them again
                boolean purge = store.purgeRequested(id);
                if (purge) {
                    eraser.accept(() -> store.purgeData(id));
                }
                LOG.info("Account '{}' removed{}", id, purge ? ", its stored data erased" : "");
            }
            return;
        }
        StoredAccount a = row.get();
        AccountConfig config = a.config();
        boolean isNew = clients.account(id) == null;
        clients.put(config);
        changed.accept(id);
        if (isNew) {
            added.accept(config);
        }
        if (a.paused()) {
            stop(id, true);
            return;
        }
        String options = quartzOptions.apply(config);
        if (options.equals(polling.get(id))) {
            return; // credentials, sinks or tags changed: the client and the account's record are enough
        }
        stop(id, polling.containsKey(id)); // a new schedule: the trigger is made again with it
        try {
            TemplatedRouteBuilder.builder(context, "poll-conversations").routeId(PmsConfiguration.POLL_ROUTE + id).parameter("accountId", id)
                    .parameter("quartzOptions", options).add();
        } catch (Exception e) {
            throw new IllegalStateException("its poll route could not be added: " + e.getMessage(), e);
        }
        polling.put(id, options);
        LOG.info("Account '{}' ({}) is polled, schedule {}", id, a.source(), a.cron() != null ? "cron " + a.cron() : "every " + a.every());
    }

    /** Removes the account's poll route here and, with {@code unschedule}, its trigger (shared by every node on PostgreSQL). */
    private void stop(String id, boolean unschedule) {
        String routeId = PmsConfiguration.POLL_ROUTE + id;
        try {
            if (context.getRoute(routeId) != null) {
                context.getRouteController().stopRoute(routeId);
                context.removeRoute(routeId);
            }
            if (unschedule) {
                QuartzComponent quartz = context.getComponent("quartz", QuartzComponent.class);
                if (quartz.getScheduler() != null) {
                    quartz.getScheduler().unscheduleJob(new TriggerKey(id, dev.pmsconversations.cluster.PollScheduler.POLL_GROUP));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("its poll route could not be removed: " + e.getMessage(), e);
        }
        polling.remove(id);
    }
}
