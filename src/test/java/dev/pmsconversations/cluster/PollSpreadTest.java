package dev.pmsconversations.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.config.AccountConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/** The accounts' first polls are staggered, so their polls do not all fall due in the same instant every interval. */
class PollSpreadTest {
    private Scheduler scheduler;

    @AfterEach
    void stop() throws Exception {
        scheduler.shutdown();
    }

    private Scheduler scheduler() throws Exception {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "spread-test-" + System.nanoTime());
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        scheduler = new StdSchedulerFactory(p).getScheduler(); // not started: as when camel-quartz runs its init tasks
        return scheduler;
    }

    private void schedule(String account, long intervalMillis, int repeatCount) throws Exception {
        scheduler.scheduleJob(JobBuilder.newJob(NoOp.class).withIdentity(account, "pms-poll").build(),
                TriggerBuilder.newTrigger().withIdentity(account, "pms-poll")
                        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(intervalMillis).withRepeatCount(repeatCount))
                        .build());
    }

    /** Accounts a0… with triggers repeating forever at the interval, as camel-quartz creates them. */
    private List<AccountConfig> repeating(int count, long intervalMillis) throws Exception {
        List<AccountConfig> accounts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            accounts.add(account("a" + i, null));
            schedule("a" + i, intervalMillis, org.quartz.SimpleTrigger.REPEAT_INDEFINITELY);
        }
        return accounts;
    }

    private static AccountConfig account(String id, String cron) {
        return new AccountConfig(id, "hostaway", null, null, Map.of(), "60s", cron, List.of());
    }

    private long start(String account) throws Exception {
        return scheduler.getTrigger(new TriggerKey(account, "pms-poll")).getStartTime().getTime();
    }

    @Test
    void manyAccountsAreSpreadOverTheInterval() throws Exception {
        scheduler();
        List<AccountConfig> accounts = repeating(12_000, 60_000);
        long before = System.currentTimeMillis();
        PollScheduler.spread(scheduler, accounts);
        long after = System.currentTimeMillis();
        // 12,000 accounts at 100 per second would need 120 s: they are spread over the whole minute instead.
        // The first starts when spread read the clock: between our two readings, however long it took.
        assertThat(start("a0")).isBetween(before, after);
        assertThat(start("a6000") - start("a0")).isBetween(29_000L, 31_000L);
        assertThat(start("a11999") - start("a0")).isBetween(59_000L, 60_000L);
        Trigger last = scheduler.getTrigger(new TriggerKey("a11999", "pms-poll"));
        assertThat(((org.quartz.SimpleTrigger) last).getRepeatInterval()).as("the schedule itself is kept").isEqualTo(60_000);
    }

    @Test
    void fewAccountsStartAtAHundredPerSecondAndOneShotsAndCronAreLeftAlone() throws Exception {
        scheduler();
        List<AccountConfig> accounts = repeating(10, 3_600_000);
        accounts.add(account("once", null));
        schedule("once", 3_600_000, 0);
        long onceBefore = start("once");
        accounts.add(account("cron", "0 0 * * * ?"));
        long before = System.currentTimeMillis();
        PollScheduler.spread(scheduler, accounts);
        long after = System.currentTimeMillis();
        // eleven repeating accounts (the one-shot counts for the spacing, cron accounts do not): 10 ms apart, all
        // started within the first 110 ms although the interval is an hour (account i at i × 110 / 11 ms)
        assertThat(start("a0")).isBetween(before, after);
        assertThat(start("a1") - start("a0")).isEqualTo(10);
        assertThat(start("a9") - start("a0")).isEqualTo(90);
        assertThat(start("once")).isEqualTo(onceBefore);
    }

    /** A clustered store keeps triggers across restarts: one of an account gone from the file and the store is deleted. */
    @Test
    void theTriggerOfAnAccountNoLongerConfiguredOrStoredIsDeleted() throws Exception {
        scheduler();
        List<AccountConfig> configured = repeating(2, 60_000); // a0, a1 in the file
        schedule("from-api", 60_000, org.quartz.SimpleTrigger.REPEAT_INDEFINITELY); // created through the API, in the store
        schedule("removed-from-file", 60_000, org.quartz.SimpleTrigger.REPEAT_INDEFINITELY);
        PollScheduler.removeLeftovers(scheduler, configured, java.util.Set.of("from-api"));
        assertThat(scheduler.getTriggerKeys(org.quartz.impl.matchers.GroupMatcher.triggerGroupEquals("pms-poll")))
                .extracting(TriggerKey::getName).containsExactlyInAnyOrder("a0", "a1", "from-api");
    }

    @Test
    void aFireQuartzMakesBeforeTheStartTimeRunsAtItsPlannedTime() throws Exception {
        scheduler();
        java.util.Date start = new java.util.Date(System.currentTimeMillis() + 10_000);
        org.quartz.JobDetail job = JobBuilder.newJob(NoOp.class).withIdentity("a0", "pms-poll").build();
        org.quartz.spi.OperableTrigger trigger = (org.quartz.spi.OperableTrigger) TriggerBuilder.newTrigger().withIdentity("a0", "pms-poll")
                .startAt(start).withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInHours(1).repeatForever()).build();
        // Quartz fires up to 2 ms early: camel-quartz would skip this fire as "outside StartTime"
        org.quartz.JobExecutionContext early = fire(job, trigger, new java.util.Date(start.getTime() - 2), start);
        org.quartz.JobExecutionContext seen = PollScheduler.onTime(early);
        assertThat(seen.getFireTime()).isEqualTo(start);
        assertThat(seen.getTrigger()).isSameAs(trigger);
        assertThat(seen.getJobDetail()).isSameAs(job);
        assertThat(seen.getScheduledFireTime()).isEqualTo(start);
        // on time or late: the fire is passed on as it is
        org.quartz.JobExecutionContext late = fire(job, trigger, new java.util.Date(start.getTime() + 5), start);
        assertThat(PollScheduler.onTime(late)).isSameAs(late);
    }

    private org.quartz.JobExecutionContext fire(org.quartz.JobDetail job, org.quartz.spi.OperableTrigger trigger, java.util.Date at,
                                                 java.util.Date planned) {
        return new org.quartz.impl.JobExecutionContextImpl(scheduler,
                new org.quartz.spi.TriggerFiredBundle(job, trigger, null, false, at, planned, null, null), new NoOp());
    }

    public static final class NoOp implements Job {
        @Override
        public void execute(org.quartz.JobExecutionContext context) {
            // never runs: the scheduler is not started
        }
    }
}
