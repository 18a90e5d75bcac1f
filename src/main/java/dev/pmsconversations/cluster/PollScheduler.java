package dev.pmsconversations.cluster;

import dev.pmsconversations.config.RuntimeConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
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
     * how late the polls start.
     */
    public static PollScheduleWatch configure(CamelContext context, DataSource store, boolean clustered, RuntimeConfig.ClusterConfig node) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "pms-conversations");
        p.setProperty("org.quartz.scheduler.instanceId", node.nodeId());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(node.pollThreads()));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "pms-poll");
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
        PollScheduleWatch watch = new PollScheduleWatch();
        quartz.addScheduleInitTask(scheduler -> scheduler.getListenerManager().addTriggerListener(watch));
        return watch;
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
