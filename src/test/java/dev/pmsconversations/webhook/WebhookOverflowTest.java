package dev.pmsconversations.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.simulator.SimWebhook;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Bursts of webhooks. More than the hand-off queue holds (here one): the hand-off of the overflow is dropped, never
 * the delivery; every stored delivery is processed (the sweep queues what the queue could not take). Many for one
 * thread: those arriving while an earlier one of the thread waits are covered by its read. Either way every new
 * message reaches the sink exactly once.
 */
class WebhookOverflowTest extends RuntimeTestSupport {
    private static final int WEBHOOKS = 12;

    @Override
    protected boolean withApi() {
        return true;
    }

    @Override
    protected Properties extraProperties() {
        Properties p = new Properties();
        p.setProperty("pms.webhook.queueSize", "1");
        return p;
    }

    private Map<String, Integer> webhookStatuses() throws Exception {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (Connection c = pms.store().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select status, count(*) from webhook_event group by status")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    /** Deliveries processed 5 s or more after they arrived: only the sweep takes them that late. */
    private long sweptLate() throws Exception {
        long late = 0;
        try (Connection c = pms.store().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select received_at, processed_at from webhook_event")) {
            while (rs.next()) {
                late += rs.getTimestamp(2).getTime() - rs.getTimestamp(1).getTime() >= 5_000 ? 1 : 0;
            }
        }
        return late;
    }

    @Test
    void webhooksBeyondAFullQueueAreAllProcessedAndDeliveredOnce() throws Exception {
        String account = "smoobu-1";
        // one thread per webhook: webhooks of one thread would be covered by its first waiting one (WebhookCoverTest)
        sim.source("smoobu").seed(account, WEBHOOKS, 1);
        awaitFirstPolls();
        sim.latency(Duration.ofMillis(300)); // each thread read now takes a while: the four workers and the queue fill up
        List<String> threads = sim.threadIds("smoobu", account).stream().filter(t -> !t.equals(fixtureThread("smoobu"))).toList();
        assertThat(threads).hasSize(WEBHOOKS);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < WEBHOOKS; i++) {
            JsonNode added = sim.addMessage("smoobu", account, threads.get(i), "Question " + i, true);
            ids.add(added.get(sim.source("smoobu").idField()).asText());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> sim.webhookCalls().size() >= WEBHOOKS);
        assertThat(sim.webhookCalls()).extracting(SimWebhook::status).containsOnly(202);
        // the sweep runs every 5 s and takes deliveries older than 5 s: all done well within a minute
        await().atMost(Duration.ofSeconds(60)).until(() -> Map.of("DONE", WEBHOOKS).equals(webhookStatuses()));
        assertThat(sweptLate()).as("deliveries the queue could not take, processed by the sweep (5 s or more after arrival)")
                .isPositive();
        for (String id : ids) {
            List<JsonNode> carrying = events(account).stream()
                    .filter(e -> e.get("newMessageIds").toString().contains("\"" + id + "\"")).toList();
            assertThat(carrying).as("events announcing message " + id).hasSize(1);
        }
    }

    @Test
    void webhooksForAThreadWithAReadWaitingAreCoveredByItAndEveryMessageIsDeliveredOnce() throws Exception {
        String account = "smoobu-1";
        String thread = fixtureThread("smoobu");
        awaitFirstPolls();
        sim.latency(Duration.ofMillis(300)); // the four workers stay busy reading: later webhooks find one waiting
        sim.clearRequests();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < WEBHOOKS; i++) {
            ids.add(sim.addMessage("smoobu", account, thread, "Question " + i, true).get(sim.source("smoobu").idField()).asText());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> sim.webhookCalls().size() >= WEBHOOKS);
        assertThat(sim.webhookCalls()).extracting(SimWebhook::status).containsOnly(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Map<String, Integer> s = webhookStatuses();
            return s.getOrDefault("DONE", 0) + s.getOrDefault("COVERED", 0) == WEBHOOKS;
        });
        assertThat(webhookStatuses().getOrDefault("COVERED", 0)).as("covered deliveries").isPositive();
        long threadReads = sim.requests("smoobu", account).stream().filter(r -> r.path().contains("/" + thread + "/messages")).count();
        assertThat(threadReads).as("reads of the thread").isLessThan(WEBHOOKS);
        for (String id : ids) {
            List<JsonNode> carrying = events(account).stream()
                    .filter(e -> e.get("newMessageIds").toString().contains("\"" + id + "\"")).toList();
            assertThat(carrying).as("events announcing message " + id).hasSize(1);
        }
    }
}
