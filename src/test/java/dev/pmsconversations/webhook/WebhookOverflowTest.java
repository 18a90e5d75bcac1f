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
 * message reaches the sink exactly once. The burst arrives while the queue's consumers are stopped (the processing
 * route), so the queue is full and the first delivery still waits, whatever the machine's speed; then they start.
 */
class WebhookOverflowTest extends RuntimeTestSupport {
    private static final int WEBHOOKS = 12;
    /** routes/outbox.camel.yaml: the consumers of the hand-off queue. */
    private static final String PROCESSING_ROUTE = "webhook-process";

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
        // the queue takes one hand-off, the other two overflow. The sweep offers those to the same one-place queue
        // every 5 s and gets one or two in each time: a larger burst proves no more and costs about 5 s per webhook
        int burst = 3;
        // one thread per webhook: webhooks of one thread would be covered by its first waiting one (the test below)
        sim.source("smoobu").seed(account, burst, 1);
        awaitFirstPolls();
        List<String> fixtureThreads = dev.pmsconversations.testing.Fixtures.of("smoobu").stream().map(f -> f.expected().get("id").asText()).toList();
        List<String> threads = sim.threadIds("smoobu", account).stream().filter(t -> !fixtureThreads.contains(t)).toList();
        assertThat(threads).hasSize(burst);
        context.getRouteController().stopRoute(PROCESSING_ROUTE);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            JsonNode added = sim.addMessage("smoobu", account, threads.get(i), "Question " + i, true);
            ids.add(added.get(sim.source("smoobu").idField()).asText());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> sim.webhookCalls().size() >= burst);
        assertThat(sim.webhookCalls()).extracting(SimWebhook::status).containsOnly(202);
        assertThat(webhookStatuses()).as("every webhook stored before its 202").isEqualTo(Map.of("RECEIVED", burst));
        context.getRouteController().startRoute(PROCESSING_ROUTE);
        // the sweep runs every 5 s and takes deliveries older than 5 s: all done well within a minute
        await().atMost(Duration.ofSeconds(60)).until(() -> Map.of("DONE", burst).equals(webhookStatuses()));
        // the queue took one hand-off; the others were dropped, so only the sweep can have processed them
        assertThat(sweptLate()).as("deliveries the queue could not take, processed by the sweep (5 s or more after arrival)")
                .isGreaterThanOrEqualTo(burst - 1);
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
        sim.clearRequests();
        context.getRouteController().stopRoute(PROCESSING_ROUTE); // the first delivery waits, never attempted
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < WEBHOOKS; i++) {
            ids.add(sim.addMessage("smoobu", account, thread, "Question " + i, true).get(sim.source("smoobu").idField()).asText());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> sim.webhookCalls().size() >= WEBHOOKS);
        assertThat(sim.webhookCalls()).extracting(SimWebhook::status).containsOnly(202);
        // the simulator sends one webhook at a time: each after the first finds it waiting
        assertThat(webhookStatuses()).isEqualTo(Map.of("RECEIVED", 1, "COVERED", WEBHOOKS - 1));
        context.getRouteController().startRoute(PROCESSING_ROUTE);
        await().atMost(Duration.ofSeconds(60)).until(() -> Map.of("DONE", 1, "COVERED", WEBHOOKS - 1).equals(webhookStatuses()));
        long threadReads = sim.requests("smoobu", account).stream().filter(r -> r.path().contains("/" + thread + "/messages")).count();
        assertThat(threadReads).as("reads of the thread: the waiting delivery's, for all").isEqualTo(1);
        for (String id : ids) {
            List<JsonNode> carrying = events(account).stream()
                    .filter(e -> e.get("newMessageIds").toString().contains("\"" + id + "\"")).toList();
            assertThat(carrying).as("events announcing message " + id).hasSize(1);
        }
    }
}
