package dev.pmsconversations.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pmsconversations.testing.HttpReceiver;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** delivery.maxBacklog: an account whose sinks are that far behind stops polling until they catch up; others go on. */
class BacklogTest extends RuntimeTestSupport {
    private final HttpReceiver receiver = new HttpReceiver();

    @Override
    protected String extraSinks() {
        return "  - { name: crm, type: http, url: \"" + receiver.url() + "\", filter: { sources: [hostaway] } }\n";
    }

    @Override
    protected String deliveryOptions() {
        return "maxBacklog: 1";
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void aFullBacklogHoldsTheAccountsPollsUntilTheSinkCatchesUp() {
        receiver.stop();
        awaitFirstPolls(); // hostaway-1's first event now waits for crm: the backlog (1) is full
        assertThat(pms.deliveries().backlog("hostaway-1")).isEqualTo(1);
        sim.addMessage("hostaway", "hostaway-1", "1406", "Anyone there?", true);
        sim.clearRequests();
        poll("hostaway-1");
        assertThat(sim.requests("hostaway", "hostaway-1")).as("the poll waits: no PMS request").isEmpty();
        assertThat(events("hostaway-1")).hasSize(1);
        // other accounts are not held back
        sim.addMessage("guesty", "guesty-1", sim.threadIds("guesty", "guesty-1").get(0), "still flowing", true);
        poll("guesty-1");
        assertThat(events("guesty-1")).hasSize(2);
        // the sink comes back, catches up, and the next poll picks up what waited in the PMS
        receiver.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> pms.deliveries().backlog("hostaway-1") == 0);
        poll("hostaway-1");
        assertThat(events("hostaway-1")).hasSize(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.accepted().size() == 2);
    }
}
