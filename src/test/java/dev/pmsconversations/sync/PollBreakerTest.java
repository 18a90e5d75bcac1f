package dev.pmsconversations.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.simulator.SimFault;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The per-account poll breaker (runtime.breaker: 2 failures, open 1 s, at most 2 s): a PMS that keeps failing, or
 * refuses the credentials, is not asked at every poll; a trial after the open interval closes the breaker again.
 */
class PollBreakerTest extends RuntimeTestSupport {
    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        return config.withBreaker(new RuntimeConfig.BreakerConfig(2, 1, 2));
    }

    /** The breakers' clock: it stands still until the test moves it, so "within the open second" is exact. */
    private static final class HandClock extends Clock {
        private volatile Instant now = Instant.parse("2026-08-20T08:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final HandClock breakerClock = new HandClock();

    @Test
    void failedPollsOpenTheBreakerAndATrialClosesIt() {
        awaitFirstPolls();
        pms.sync().useBreakerClock(breakerClock);
        String account = "guesty-1";
        sim.inject("guesty", SimFault.status("/communication/conversations", 503), 1000);
        poll(account);
        poll(account);
        assertThat(pms.sync().circuit(account)).isEqualTo("OPEN");
        assertThat(pms.sync().status().get(account).consecutiveFailures()).isEqualTo(2);
        int asked = sim.servedFaults().size();
        poll(account);
        breakerClock.advance(Duration.ofSeconds(1)); // the last instant of the open second
        poll(account);
        assertThat(sim.servedFaults()).as("an open breaker asks the PMS nothing").hasSize(asked);
        assertThat(pms.sync().circuit(account)).isEqualTo("OPEN");
        assertThat(pms.sync().status().get(account).polls()).as("a skipped poll is no poll").isEqualTo(3);

        // another account of the runtime polls as usual meanwhile
        sim.addMessage("smoobu", "smoobu-1", sim.threadIds("smoobu", "smoobu-1").get(0), "unaffected", true);
        poll("smoobu-1");
        assertThat(events("smoobu-1").get(events("smoobu-1").size() - 1).at("/data/messages/0/body").asText()).isEqualTo("unaffected");

        // the PMS is well again: once the open second is over, the trial poll goes through and closes the breaker
        sim.clearFaults();
        sim.addMessage("guesty", account, sim.threadIds("guesty", account).get(0), "after the outage", true);
        breakerClock.advance(Duration.ofMillis(1));
        poll(account);
        assertThat(pms.sync().circuit(account)).isEqualTo("CLOSED");
        assertThat(pms.sync().status().get(account).polls()).as("the trial is a poll").isEqualTo(4);
        assertThat(events(account).get(events(account).size() - 1).at("/data/messages/0/body").asText()).isEqualTo("after the outage");
        assertThat(pms.sync().status().get(account).consecutiveFailures()).isZero();
    }

    @Test
    void refusedCredentialsOpenTheBreakerAtOnce() {
        awaitFirstPolls();
        pms.sync().useBreakerClock(breakerClock);
        String account = "smoobu-1";
        sim.inject("smoobu", SimFault.status("/reservations", 401), 1000);
        poll(account);
        assertThat(pms.sync().status().get(account).authFailed()).isTrue();
        assertThat(pms.sync().circuit(account)).isEqualTo("OPEN");
        int asked = sim.servedFaults().size();
        poll(account);
        breakerClock.advance(Duration.ofSeconds(1)); // the last instant of the open second
        poll(account);
        assertThat(sim.servedFaults()).as("refused credentials are not tried at every poll").hasSize(asked);
        assertThat(pms.sync().status().get(account).downReason()).contains("refuses the account's credentials");
    }
}
