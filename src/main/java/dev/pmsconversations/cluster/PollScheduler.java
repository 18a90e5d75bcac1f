package dev.pmsconversations.cluster;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.RuntimeConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.quartz.CamelJob;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzConstants;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.component.quartz.StatefulCamelJob;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleTrigger;
import org.quartz.TriggerKey;
import org.quartz.impl.JobExecutionContextImpl;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.simpl.PropertySettingJobFactory;
import org.quartz.spi.OperableTrigger;
import org.quartz.spi.TriggerFiredBundle;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * The Quartz scheduler behind the account polls (camel-quartz). With a PostgreSQL store it is clustered on
 * Quartz's JDBC job store, in the store's own database and pool: every node schedules the same triggers,
 * each fire runs on one node only, a poll never overlaps the previous poll of the same account on any node
 * (the poll job is stateful: Quartz's DisallowConcurrentExecution holds cluster-wide), and the triggers of a
 * node that stops checking in are released to the others. With H2 (one node) it is Quartz's in-memory store.
 */
public final class PollScheduler {
    private PollScheduler() {
    }

    /**
     * Configures the context's {@code quartz} component before its scheduler is created; the returned watch counts
     * how late the polls start. {@code follow} is asked to follow an account at once when its poll fires on this node
     * before the node has followed it (created through another node a moment ago).
     */
    public static PollScheduleWatch configure(CamelContext context, DataSource store, boolean clustered, RuntimeConfig.ClusterConfig node,
                                              List<AccountConfig> accounts, java.util.function.Supplier<java.util.Set<String>> storedAccounts,
                                              java.util.function.Consumer<String> follow) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "pms-conversations");
        p.setProperty("org.quartz.scheduler.instanceId", node.nodeId());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(node.pollThreads()));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "pms-poll");
        // the scheduler thread hands out the polls that are due up to a thread's worth at a time, not one by one
        // (no fire-ahead window: camel-quartz skips a fire that comes before its trigger's start time)
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(node.pollThreads()));
        // a poll more than a minute late (all poll threads busy, all nodes down) is a misfire: counted by the watch,
        // and camel-quartz's simple triggers then fire it at once and count the interval from there
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        if (clustered) {
            // Quartz finds connections by name in a JVM-wide registry: a unique name per store keeps two
            // runtimes of one JVM (tests) apart
            String dataSource = "pms-store-" + UUID.randomUUID();
            DBConnectionManager.getInstance().addConnectionProvider(dataSource, new StoreConnections(store));
            p.setProperty("org.quartz.jobStore.class", JobStoreTX.class.getName());
            p.setProperty("org.quartz.jobStore.driverDelegateClass", PostgreSQLDelegate.class.getName());
            p.setProperty("org.quartz.jobStore.dataSource", dataSource);
            p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
            p.setProperty("org.quartz.jobStore.isClustered", "true");
            p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Integer.toString(node.checkinMillis()));
            p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
            // after a lost database connection, try again in 2 s (Quartz waits 15 s by default)
            p.setProperty("org.quartz.jobStore.dbRetryInterval", "2000");
        }
        QuartzComponent quartz = context.getComponent("quartz", QuartzComponent.class);
        quartz.setProperties(p);
        quartz.setEnableJmx(false); // per-poll JMX notifications; the watch below counts what matters
        PollScheduleWatch watch = new PollScheduleWatch();
        quartz.addScheduleInitTask(scheduler -> {
            scheduler.getListenerManager().addTriggerListener(watch);
            scheduler.setJobFactory(new PollJobFactory(follow));
            removeLeftovers(scheduler, accounts, storedAccounts.get());
            spread(scheduler, accounts);
        });
        return watch;
    }

    /** The Quartz group of the poll triggers, as routes/poll-conversations.camel.yaml names it ({@code quartz:pms-poll/…}). */
    public static final String POLL_GROUP = "pms-poll";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PollScheduler.class);

    /** Spacing of the first polls: at most this many start per second when the interval leaves room. */
    static final int FIRST_POLLS_PER_SECOND = 100;

    /**
     * Staggers the accounts' new triggers (before the scheduler starts): account i of n starts at i/n of
     * min(its interval, n / {@value #FIRST_POLLS_PER_SECOND} s). All created at once, the triggers would fire
     * together every interval: with 10,000 accounts a burst each minute that made most polls start seconds late.
     * The phases persist, so the polls stay spread; the first round takes at most one interval. Triggers that have
     * fired before (a clustered store's, made by an earlier start) and one-shot triggers are left as they are.
     */
    static void spread(Scheduler scheduler, List<AccountConfig> accounts) throws SchedulerException {
        List<AccountConfig> repeating = accounts.stream().filter(a -> a.cron() == null).toList();
        int n = repeating.size();
        long now = System.currentTimeMillis();
        int found = 0;
        for (int i = 0; i < n; i++) {
            AccountConfig a = repeating.get(i);
            TriggerKey key = new TriggerKey(a.id(), POLL_GROUP);
            org.quartz.Trigger trigger = scheduler.getTrigger(key);
            found += trigger == null ? 0 : 1;
            if (!(trigger instanceof SimpleTrigger t) || t.getPreviousFireTime() != null || t.getRepeatCount() == 0) {
                continue;
            }
            long window = Math.min(t.getRepeatInterval(), n * 1000L / FIRST_POLLS_PER_SECOND);
            scheduler.rescheduleJob(key, t.getTriggerBuilder().startAt(new Date(now + i * window / n)).build());
        }
        if (n > 0 && found == 0) {
            // the poll template's quartz URI no longer names this group: nothing fails, but polls would all fall due together
            LOG.warn("no poll trigger found in Quartz group '{}' (routes/poll-conversations.camel.yaml must keep "
                    + "quartz:{}/{{{{accountId}}}}): the accounts' polls are not staggered", POLL_GROUP, POLL_GROUP);
        }
    }

    /**
     * Deletes the poll triggers of accounts that are neither in the configuration nor in the store (an account removed
     * from the file): in a clustered store such a trigger outlived the account and kept firing without effect.
     */
    static void removeLeftovers(Scheduler scheduler, List<AccountConfig> accounts, java.util.Set<String> stored) throws SchedulerException {
        java.util.Set<String> known = new java.util.HashSet<>(stored);
        accounts.forEach(a -> known.add(a.id()));
        for (TriggerKey key : scheduler.getTriggerKeys(org.quartz.impl.matchers.GroupMatcher.triggerGroupEquals(POLL_GROUP))) {
            if (!known.contains(key.getName())) {
                scheduler.unscheduleJob(key);
                LOG.info("Poll trigger of account '{}' removed: the account is no longer configured", key.getName());
            }
        }
    }

    /**
     * camel-quartz's jobs find their endpoint by walking every route of the context on each fire: with an account
     * per route that is O(accounts) per poll (18 % of the CPU at 10,000 accounts). These find it by its URI first,
     * a map lookup, and fall back to camel-quartz's own search.
     */
    static final class PollJobFactory extends PropertySettingJobFactory {
        private final java.util.function.Consumer<String> follow;

        PollJobFactory(java.util.function.Consumer<String> follow) {
            this.follow = follow;
        }

        @Override
        public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) throws SchedulerException {
            Class<? extends Job> type = bundle.getJobDetail().getJobClass();
            // StatefulCamelJob only adds Quartz's annotations, which Quartz reads from the job detail's class
            // (still StatefulCamelJob), not from the instance: one job class serves both
            return type == CamelJob.class || type == StatefulCamelJob.class ? new IndexedJob(follow) : super.newJob(bundle, scheduler);
        }
    }

    static QuartzEndpoint byUri(CamelContext camel, JobExecutionContext fire) {
        String uri = fire.getMergedJobDataMap().getString(QuartzConstants.QUARTZ_ENDPOINT_URI);
        Endpoint endpoint = uri == null ? null : camel.hasEndpoint(uri);
        return endpoint instanceof QuartzEndpoint q && fire.getTrigger().getKey().equals(q.getTriggerKey()) ? q : null;
    }

    /**
     * The fire as camel-quartz should see it. Quartz fires a trigger up to 2 ms before its time, and camel-quartz
     * skips a fire that comes before the trigger's start time ("Trigger exists outside StartTime"): for a
     * staggered account (start time in the future) that dropped its first poll, and with a long interval the account
     * then waited a whole interval. Such an early fire runs with its planned time as its fire time.
     */
    static JobExecutionContext onTime(JobExecutionContext fire) {
        Date start = fire.getTrigger().getStartTime();
        if (start == null || !fire.getFireTime().before(start) || !(fire.getTrigger() instanceof OperableTrigger trigger)) {
            return fire;
        }
        TriggerFiredBundle bundle = new TriggerFiredBundle(fire.getJobDetail(), trigger, fire.getCalendar(), fire.isRecovering(),
                start, fire.getScheduledFireTime(), fire.getPreviousFireTime(), fire.getNextFireTime());
        return new JobExecutionContextImpl(fire.getScheduler(), bundle, fire.getJobInstance());
    }

    static final class IndexedJob extends CamelJob {
        private final java.util.function.Consumer<String> follow;

        IndexedJob(java.util.function.Consumer<String> follow) {
            this.follow = follow;
        }

        @Override
        public void execute(JobExecutionContext fire) throws JobExecutionException {
            super.execute(onTime(fire));
        }

        /**
         * A poll that fires here for an account this node does not follow yet (created through another node since this
         * one last looked at the store) has no route here: camel-quartz would make an endpoint without one, skip the fire
         * and the account's first poll would wait a whole interval. The node follows the account first.
         */
        @Override
        protected QuartzEndpoint lookupQuartzEndpoint(CamelContext camel, JobExecutionContext fire) throws JobExecutionException {
            QuartzEndpoint q = byUri(camel, fire);
            if (q == null && POLL_GROUP.equals(fire.getTrigger().getKey().getGroup())) {
                follow.accept(fire.getTrigger().getKey().getName());
                q = byUri(camel, fire);
            }
            return q != null ? q : super.lookupQuartzEndpoint(camel, fire);
        }
    }

    /** The state store's pool, lent to Quartz; closing it stays the store's business. */
    private record StoreConnections(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // the store closes the pool when the runtime stops
        }

        @Override
        public void initialize() {
            // the pool is already up
        }
    }
}
