package dev.pmsconversations.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.simulator.SimFault;
import dev.pmsconversations.simulator.SimRequest;
import dev.pmsconversations.simulator.SimThread;
import dev.pmsconversations.simulator.SimWebhook;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.EventLedger;
import dev.pmsconversations.testing.HttpReceiver;
import dev.pmsconversations.testing.RuntimeProcess;
import dev.pmsconversations.testing.TestConfig;
import dev.pmsconversations.testing.TestRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runtimes (separate JVMs) on one PostgreSQL sync five Hostaway accounts of the simulator while guests write,
 * hosts reply through the API, and faults are thrown at them: 5xx bursts, 429 storms, a PMS timeout, malformed
 * and truncated JSON, a listed thread without id, an unknown enum value, duplicate and out-of-order webhooks, a
 * message edited after delivery, pages that shift while a poll reads them, the sink down for a while, the
 * database connections cut, and SIGKILL of a runtime mid-sync and mid-send (each restarted). At the end a consumer
 * counts: events lost, event ids reused for other content, messages announced twice, guest-facing sends doubled,
 * malformed inputs missing from the dead letters. All must be 0.
 *
 * <p>CI runs one round of the faults ({@code -Dchaos.rounds=1}, the default); {@code -Dchaos.rounds=10} runs ten. The
 * figures go to {@code target/reliability/chaos.md} (and the console), for docs/reliability.md.
 */
class ChaosTest {
    private static final int ROUNDS = Integer.getInteger("chaos.rounds", 1);
    private static final List<String> SMALL = List.of("ha-1", "ha-2", "ha-3", "ha-4");
    private static final String BIG = "ha-big"; // more threads than a list page: pages shift under a poll
    private static final String APP = "pms-chaos";
    /**
     * Requests per second and account, in the mappings copy and the simulator: below what the first sync of the big
     * account asks for unpaced (some 20 a second), so the limit has to be kept by the runtimes, not by luck.
     */
    private static final int LIMIT = 8;

    @TempDir
    Path dir;

    private final Map<String, Integer> injected = new LinkedHashMap<>();
    private final Map<String, Long> phases = new LinkedHashMap<>();
    private final Random random = new Random(42);
    private final Map<String, RuntimeProcess> nodes = new ConcurrentHashMap<>();
    private final Map<String, Integer> apiPorts = new HashMap<>();
    private final Map<String, Path> configs = new HashMap<>();
    private final Map<String, String> accepted = new ConcurrentHashMap<>(); // send body -> outbox id
    private final AtomicInteger sendRefused = new AtomicInteger();
    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>()); // why, for the failure message
    private final Set<String> edited = ConcurrentHashMap.newKeySet();
    /** Faults handed to the simulator (each must be served by the end). */
    private int simFaults;
    /** What each aimed kill found in flight at the node it killed (the kill's proof). */
    private final List<String> killsAimed = new ArrayList<>();
    /** The sends in flight at a mid-send kill: outbox id -> body (each must end SENT, received by the PMS once). */
    private final Map<String, String> sendsCutOff = new LinkedHashMap<>();
    /** Webhook replays and what the runtime answered (each must be 200: a duplicate). */
    private final List<Integer> replayAnswers = new ArrayList<>();
    /** App connections that outlived a cut (each cut must end every connection that existed at it). */
    private int connectionsLeftAfterCut;
    /** Conversations stale before the end-of-run touch (only the edited ones may be: an edit does not move a list marker). */
    private Set<String> staleBeforeTouch = Set.of();
    private PmsSimulator sim;
    private HttpReceiver consumer;
    private String storeUrl;

    /**
     * Every wait below is bounded; for one round they add up to about 14 minutes at the worst (first sync 2, the round's
     * two restarts 3, catching up 2, settling 2.5, the round's own steps 1, plus margin), inside this limit, so a slow
     * machine gets the diagnostic, not JUnit's default 5-minute interrupt. Ten rounds: -Dchaos.rounds=10 (up to 60 min).
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 75, unit = java.util.concurrent.TimeUnit.MINUTES)
    void nothingLostNothingDoubledUnderFaults() throws Exception {
        Instant started = Instant.now();
        sim = new PmsSimulator(0, 23);
        consumer = new HttpReceiver();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        try {
            sim.latency(Duration.ofMillis(15));
            storeUrl = TestRuntime.postgresStoreUrl() + "&ApplicationName=" + APP;
            seedAndConfigure();
            for (String node : List.of("a", "b")) {
                start(node);
            }
            Awaitility.await("first sync").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> EventLedger.of(consumer.accepted()).lost(expected()).isEmpty());
            phases.put("start-up and first sync", Duration.between(started, Instant.now()).toSeconds());
            Instant faultsFrom = Instant.now();
            load.add(loop("guests", running, 150, this::guestWrites));
            load.add(loop("hosts", running, 500, this::hostReplies));
            for (int round = 0; round < ROUNDS; round++) {
                faultRound();
            }
            running.set(false);
            for (Thread t : load) {
                t.join();
            }
            repairAndTouch();
            phases.put("faults under load", Duration.between(faultsFrom, Instant.now()).toSeconds());
            Instant settleFrom = Instant.now();

            try {
                Awaitility.await("every message delivered and every send done").atMost(Duration.ofSeconds(150))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> EventLedger.of(consumer.accepted()).lost(expected()).isEmpty() && unsent().isEmpty()
                                && staleConversations().isEmpty() && sim.pendingFaults() == 0 && queueDrained());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                Set<String> lost = EventLedger.of(consumer.accepted()).lost(expected());
                throw new AssertionError("not settled: lost " + lost.size() + " " + lost.stream().limit(5).toList() + ", unsent " + unsent()
                        + ", stale " + staleConversations() + ", faults never served " + sim.pendingFaults() + ", queue drained "
                        + queueDrained() + "; node logs:\n" + nodes.values().stream().map(n -> n.logTail(15))
                        .collect(Collectors.joining("\n---\n")), e);
            }
            phases.put("until every message is delivered and every send done", Duration.between(settleFrom, Instant.now()).toSeconds());
            report(started);
        } finally {
            running.set(false);
            for (RuntimeProcess n : nodes.values()) {
                n.close();
            }
            consumer.close();
            sim.close();
        }
    }

    // ---- set-up

    private void seedAndConfigure() throws Exception {
        Map<String, String> hooks = TestRuntime.webhookSecrets("hostaway");
        for (String id : all()) {
            sim.source("hostaway").seed(id, id.equals(BIG) ? 130 : 3, id.equals(BIG) ? 1 : 2);
        }
        // Hostaway publishes 15 requests per 10 s; a copy of the mappings with 8 per second keeps the run short. The
        // simulator enforces the same limit per account, answering 429 beyond it: its count says whether the two
        // nodes together kept to it
        Path mappings = dev.pmsconversations.testing.TestMappings.withRateLimit(dir.resolve("mappings"), "hostaway", LIMIT, 1);
        sim.rateLimit("hostaway", LIMIT, 1);
        for (String node : List.of("a", "b")) {
            int port = TestRuntime.freePort();
            apiPorts.put(node, port);
            TestConfig config = TestConfig.onStore(storeUrl).mappings(mappings).runtime("cluster: { pollThreads: 3, checkinMillis: 1000 }")
                    .runtime("pmsHttp: { connectTimeoutMillis: 1000, responseTimeoutMillis: 4000 }")
                    // the breaker opens after 3 failed polls (the bursts do that); short pauses keep the run short
                    .runtime("breaker: { failures: 3, openSeconds: 2, maxOpenSeconds: 4 }")
                    .api(port, false).section("outbox", "sweepMillis: 300, leaseSeconds: 6, maxAttempts: 20")
                    .section("delivery", "drainMillis: 200, leaseSeconds: 3").httpSink("consumer", consumer.url(), "maxAttempts: 1000");
            all().forEach(id -> config.account(id, "hostaway", sim, "2s", hooks));
            configs.put(node, config.write(dir.resolve("node-" + node + ".yaml")));
        }
        // webhooks of half the accounts go to node a, the others to node b (one URL per account, as a PMS allows)
        List<String> ids = all();
        for (int i = 0; i < ids.size(); i++) {
            String node = i % 2 == 0 ? "a" : "b";
            sim.registerWebhook("hostaway", ids.get(i), "http://127.0.0.1:" + apiPorts.get(node) + "/webhooks/hostaway/" + ids.get(i), hooks);
        }
    }

    private void start(String node) {
        RuntimeProcess p = RuntimeProcess.start(configs.get(node), "node-" + node + "-" + System.nanoTime());
        nodes.put(node, p);
        ApiClient api = new ApiClient(apiPorts.get(node));
        Awaitility.await("node " + node + " up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .ignoreExceptions().until(() -> api.get("/v2/status", TestRuntime.TOKEN).status() == 200);
    }

    private static List<String> all() {
        List<String> ids = new ArrayList<>(SMALL);
        ids.add(BIG);
        return ids;
    }

    // ---- load

    private static Thread loop(String name, AtomicBoolean running, long everyMillis, Runnable step) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                step.run();
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        t.start();
        return t;
    }

    private int guestCount;

    private void guestWrites() {
        String account = all().get(random.nextInt(all().size()));
        List<SimThread> threads = sim.source("hostaway").account(account).threads;
        // the big account's writes go to threads on the list's second page, which then jump to the first
        SimThread t = threads.get(account.equals(BIG) ? 100 + random.nextInt(30) : random.nextInt(threads.size()));
        sim.addMessage("hostaway", account, t.id, "guest says " + (++guestCount), true);
    }

    private int hostCount;

    /**
     * A host replies through the API of a live node; a lost answer is retried with the same Idempotency-Key for up to
     * a minute (a node restarting after a kill, the other one slow). Only the runtime's own refusal (a 4xx with the
     * error envelope) ends it: a bare 4xx comes from the HTTP server of a node that is stopping or starting.
     */
    private void hostReplies() {
        String account = SMALL.get(random.nextInt(SMALL.size()));
        SimThread t = sim.source("hostaway").account(account).threads.get(random.nextInt(3));
        String body = "host reply " + (++hostCount);
        String key = "chaos-" + hostCount;
        String last = null;
        Instant giveUp = Instant.now().plusSeconds(60);
        for (int attempt = 0; Instant.now().isBefore(giveUp); attempt++) {
            String node = attempt % 2 == 0 ? "a" : "b";
            try {
                ApiClient.Answer a = new ApiClient(apiPorts.get(node)).post("/v2/conversations/" + t.id + "/messages?accountId=" + account,
                        TestRuntime.TOKEN, "{\"body\":\"" + body + "\"}", Map.of("Idempotency-Key", key));
                if (a.status() == 202 || a.status() == 200) {
                    accepted.put(body, a.json().at("/data/id").asText());
                    return;
                }
                if (a.status() / 100 == 4 && a.json() != null && a.json().has("success")) {
                    sendRefused.incrementAndGet();
                    refusals.add(key + " on " + node + " at " + Instant.now() + ": " + a.status() + " " + a.text());
                    return;
                }
                last = a.status() + " " + a.text();
            } catch (RuntimeException e) {
                // the node is down (killed): the other one takes the same key
                last = e.toString();
            }
            sleep(250);
        }
        sendRefused.incrementAndGet();
        refusals.add(key + ": no node took it in 60 s; last answer " + last);
    }

    // ---- faults

    private void faultRound() throws Exception {
        inject("5xx burst (8 answers 503)", SimFault.status("/v1/conversations", 503), 8);
        sleep(2500);
        inject("429 storm (12 answers, Retry-After 1)", SimFault.tooManyRequests("/v1/conversations", 1), 12);
        sleep(2500);
        // aimed at the thread list, which only polls read (a thread's messages are also read to check a send)
        inject("malformed JSON (thread list)", SimFault.malformed("/v1/conversations").onMethod("GET").exactly(), 2);
        inject("truncated JSON (thread list)", SimFault.body("/v1/conversations", "{\"status\":\"success\",\"result\":[{\"id\":")
                .onMethod("GET").exactly(), 1);
        inject("listed thread without id", SimFault.body("/v1/conversations",
                "{\"status\":\"success\",\"result\":[{\"listingMapId\":40160,\"reservationId\":7}],\"count\":1,\"limit\":100,\"offset\":0}")
                .onMethod("GET").exactly(), 1);
        unknownEnum();
        sleep(2500);
        duplicateAndOutOfOrderWebhooks();
        editAfterDelivery();
        inject("PMS timeout (answer after 6 s; the runtime gives up at 4 s)", SimFault.slow("/messages", 6000).onMethod("GET"), 1);
        sleep(2000);
        sinkDown(Duration.ofSeconds(5));
        killMidSync();
        sleep(2000);
        cutDatabaseConnections();
        sleep(2000);
        killMidSend();
        sleep(3000);
    }

    private void inject(String what, SimFault fault, int times) {
        sim.inject("hostaway", fault, times);
        simFaults += times;
        injected.merge(what, times, Integer::sum);
    }

    private String brokenMessage;
    private String oddMessageId;

    /** A guest message with an isIncoming value the mapping does not know; repaired (and the thread touched) at the end. */
    private void unknownEnum() {
        synchronized (sim.source("hostaway")) {
            SimThread t = sim.source("hostaway").account("ha-2").threads.get(0);
            ObjectNode m = t.messages.get(t.messages.size() - 1);
            m.put("isIncoming", 7);
            brokenMessage = "ha-2/" + t.id;
            oddMessageId = m.path("id").asText();
        }
        sim.addMessage("hostaway", "ha-2", sim.source("hostaway").account("ha-2").threads.get(0).id, "after the odd one", true);
        injected.merge("unknown enum value (isIncoming 7)", 1, Integer::sum);
    }

    /** The last three webhooks the runtime received (answered 202), replayed twice each, newest first. */
    private void duplicateAndOutOfOrderWebhooks() {
        Awaitility.await("three webhooks received").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> sim.webhookCalls().stream().filter(c -> c.status() == 202).count() >= 3);
        List<SimWebhook> received = sim.webhookCalls().stream().filter(c -> c.status() == 202).toList();
        List<SimWebhook> picked = new ArrayList<>(received.subList(received.size() - 3, received.size()));
        Collections.reverse(picked); // newest first: out of order
        for (SimWebhook call : picked) {
            replayAnswers.add(sim.replay(call));
            replayAnswers.add(sim.replay(call));
        }
        injected.merge("webhooks replayed twice, newest first", picked.size() * 2, Integer::sum);
    }

    private void editAfterDelivery() {
        SimThread t = sim.source("hostaway").account("ha-3").threads.get(1);
        String messageId;
        synchronized (sim.source("hostaway")) {
            messageId = t.messages.get(0).path("id").asText();
        }
        sim.editMessage("hostaway", "ha-3", t.id, messageId, "edited after delivery " + edited.size());
        edited.add("ha-3/" + t.id);
        injected.merge("message edited after delivery", 1, Integer::sum);
    }

    private void sinkDown(Duration downFor) {
        consumer.stop();
        sleep(downFor.toMillis());
        consumer.start();
        injected.merge("sink down (s)", (int) downFor.toSeconds(), Integer::sum);
    }

    /**
     * A poll's list page is held 3 s by the PMS; the node whose request it is (seen in flight at the simulator) is
     * killed while it waits, and restarted 2 s later.
     */
    private void killMidSync() throws Exception {
        inject("SIGKILL mid-sync (a list page held 3 s; restarted 2 s later)", SimFault.slow("/v1/conversations", 3000).onMethod("GET").exactly(), 1);
        // held for more than half a second: the slow page, not a page on its way through
        String node = killHolderOf(r -> r.method().equals("GET") && r.path().endsWith("/v1/conversations")
                && r.arrived().isBefore(Instant.now().minusMillis(500)), "a poll's list page");
        sleep(2000);
        start(node);
    }

    /** Waits until a request {@code which} is in flight at the simulator, kills the node holding it; returns that node. */
    private String killHolderOf(Predicate<PmsSimulator.InFlight> which, String what) throws Exception {
        Awaitility.await(what + " in flight").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> sim.inFlight().stream().anyMatch(r -> which.test(r) && r.node() != null));
        PmsSimulator.InFlight held = sim.inFlight().stream().filter(r -> which.test(r) && r.node() != null).findFirst().orElseThrow();
        String node = nodes.entrySet().stream().filter(e -> e.getValue().nodeId().equals(held.node())).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no live node " + held.node()));
        nodes.get(node).kill9();
        // the process is gone and the PMS has not answered yet: the node died holding the request
        boolean stillHeld = sim.inFlight().stream().anyMatch(r -> r.equals(held));
        killsAimed.add(what + ": node " + node + " held " + held.method() + " " + held.path() + (stillHeld ? " (still open after the kill)" : ""));
        assertThat(stillHeld).as("node " + node + " killed while holding " + what).isTrue();
        return node;
    }

    /** The PMS takes the message, then its answer is 4 s late: the sending node is killed in between. */
    /**
     * The PMS takes a message, then holds its answer 4 s: the node holding that send (seen in flight at the simulator)
     * is killed in between, so the outcome is unknown to the runtime; the send was SENDING in the store at the kill.
     */
    private void killMidSend() throws Exception {
        inject("SIGKILL mid-send (PMS took the message; restarted 2 s later)", SimFault.slow("/messages", 4000).onMethod("POST").handledFirst(), 1);
        Predicate<PmsSimulator.InFlight> send = r -> r.method().equals("POST") && r.path().endsWith("/messages");
        Awaitility.await("a send in flight").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> sim.inFlight().stream().anyMatch(send));
        Map<String, String> sending = sendingNow();
        String node = killHolderOf(send, "a send");
        sendsCutOff.putAll(sending);
        sleep(2000);
        start(node);
    }

    /** The outbox entries SENDING right now: id -> body. */
    private Map<String, String> sendingNow() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(storeUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, body from outbox where status = 'SENDING'")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private Map<String, String[]> outboxRows(java.util.Collection<String> ids) throws Exception {
        Map<String, String[]> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(storeUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, status, body from outbox")) {
            while (rs.next()) {
                if (ids.contains(rs.getString(1))) {
                    out.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
    }

    /**
     * The consumer sink's queue holds nothing more to deliver (an event that only moved a conversation's updated time
     * may still be retrying after the sink was down when every message has arrived).
     */
    private boolean queueDrained() throws Exception {
        try (Connection c = DriverManager.getConnection(storeUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from delivery where sink = 'consumer' and status in ('PENDING', 'SENDING')")) {
            rs.next();
            return rs.getInt(1) == 0;
        }
    }

    /** The consumer sink's queue: per account/conversation, its event ids in queue order. */
    private Map<String, List<String>> queuedEvents() throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(storeUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select account_id, conversation_id, event_id from delivery where sink = 'consumer' order by id")) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1) + "/" + rs.getString(2), k -> new ArrayList<>()).add(rs.getString(3));
            }
        }
        return out;
    }

    /** Every database connection of the runtimes is terminated; none that existed at the cut may survive it. */
    private void cutDatabaseConnections() throws Exception {
        try (Connection c = DriverManager.getConnection(TestRuntime.POSTGRES); Statement st = c.createStatement()) {
            Instant cut;
            try (ResultSet now = st.executeQuery("select now()")) {
                now.next();
                cut = now.getTimestamp(1).toInstant();
            }
            try (ResultSet rs = st.executeQuery("select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = '"
                    + APP + "' and backend_start <= now()")) {
                rs.next();
                injected.merge("database connections cut", rs.getInt(1), Integer::sum);
            }
            // pg_terminate_backend signals; the backends are gone a moment later
            Awaitility.await("the cut connections gone").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try (ResultSet left = st.executeQuery("select count(*) from pg_stat_activity where application_name = '" + APP
                        + "' and backend_start <= '" + java.sql.Timestamp.from(cut) + "'")) {
                    left.next();
                    connectionsLeftAfterCut = left.getInt(1);
                    return connectionsLeftAfterCut == 0;
                }
            });
        }
    }

    /** Puts the odd message right and writes once more to every thread whose content changed without a list change. */
    private void repairAndTouch() {
        synchronized (sim.source("hostaway")) {
            for (SimThread t : sim.source("hostaway").account("ha-2").threads) {
                t.messages.forEach(m -> {
                    if (m.path("isIncoming").asInt() == 7) {
                        m.put("isIncoming", 1);
                    }
                });
            }
        }
        // the odd value is put right (the delivered snapshot keeps its null sender: Hostaway lists no edit). An edited
        // message does not move Hostaway's list marker: those threads are touched, and counted before it
        try {
            Awaitility.await("every thread but the edited ones up to date").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> edited.containsAll(staleConversations()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported by the assertion on staleBeforeTouch, with the threads
        }
        staleBeforeTouch = staleConversations();
        for (String key : edited) {
            String[] p = key.split("/");
            sim.addMessage("hostaway", p[0], p[1], "one more after the chaos", true);
        }
    }

    // ---- the consumer's count

    /** Every message the PMS holds, as {@code account/conversation/message}. */
    private Set<String> expected() {
        Set<String> keys = new HashSet<>();
        synchronized (sim.source("hostaway")) {
            for (String account : all()) {
                for (SimThread t : sim.source("hostaway").account(account).threads) {
                    t.messages.forEach(m -> keys.add(account + "/" + t.id + "/" + m.path("id").asText()));
                }
            }
        }
        return keys;
    }

    /** API-accepted sends that the PMS did not receive. */
    private Set<String> unsent() {
        Set<String> received = sim.requests().isEmpty() ? Set.of() : sentBodies().keySet();
        Set<String> missing = new HashSet<>(accepted.keySet());
        missing.removeAll(received);
        return missing;
    }

    private Map<String, Long> sentBodies() {
        return all().stream().flatMap(a -> sim.sends("hostaway", a).stream())
                .collect(Collectors.groupingBy(s -> s.request().path("body").asText(), Collectors.counting()));
    }

    /** Conversations whose last delivered version differs from the PMS's (edited text not passed on, say). */
    private Set<String> staleConversations() {
        Map<String, JsonNode> last = new HashMap<>();
        for (HttpReceiver.Received r : consumer.accepted()) {
            JsonNode e = r.json();
            last.put(e.path("accountId").asText() + "/" + e.at("/data/id").asText(), e.get("data"));
        }
        Set<String> stale = new HashSet<>();
        synchronized (sim.source("hostaway")) {
            for (String account : all()) {
                for (SimThread t : sim.source("hostaway").account(account).threads) {
                    JsonNode delivered = last.get(account + "/" + t.id);
                    Map<String, String> theirs = new HashMap<>();
                    t.messages.forEach(m -> theirs.put(m.path("id").asText(), m.path("body").asText()));
                    Map<String, String> ours = new HashMap<>();
                    if (delivered != null) {
                        delivered.path("messages").forEach(m -> ours.put(m.path("id").asText(), m.path("body").asText()));
                    }
                    if (!theirs.equals(ours)) {
                        stale.add(account + "/" + t.id);
                    }
                }
            }
        }
        return stale;
    }

    /** Event ids that arrived with different content (a consumer deduping on the id would drop a change). */
    private int reusedEventIds() {
        Map<String, String> content = new HashMap<>();
        Set<String> reused = new HashSet<>();
        for (HttpReceiver.Received r : consumer.accepted()) {
            JsonNode e = r.json();
            String id = e.path("id").asText();
            String data = e.get("data").toString();
            if (content.containsKey(id) && !content.get(id).equals(data)) {
                reused.add(id);
            }
            content.putIfAbsent(id, data);
        }
        return reused.size();
    }

    private long deadLetters(String reasonContains) throws Exception {
        try (Connection c = DriverManager.getConnection(storeUrl);
             // a dead letter counts the times its input failed (a page failing alike again, a thread failing again)
             java.sql.PreparedStatement st = c.prepareStatement("select coalesce(sum(occurrences), 0) from dead_letter where reason like ?")) {
            st.setString(1, "%" + reasonContains + "%");
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long served(Predicate<SimPmsFault> which) {
        return sim.servedFaults().stream().map(f -> new SimPmsFault(f.fault(), f.path())).filter(which).count();
    }

    private record SimPmsFault(SimFault fault, String path) {
    }

    private void report(Instant started) throws Exception {
        EventLedger ledger = EventLedger.of(consumer.accepted());
        long malformedServed = served(f -> f.fault().status() == 200 && f.fault().body() != null && !f.fault().body().contains("listingMapId"));
        long missingIdServed = served(f -> f.fault().body() != null && f.fault().body().contains("listingMapId"));
        long malformedDead = deadLetters("not valid JSON");
        long missingIdDead = deadLetters("field 'id'");
        long malformedNotDead = Math.max(0, malformedServed - malformedDead) + Math.max(0, missingIdServed - missingIdDead);
        // the unknown enum value is tolerated (docs/mappings.md#tolerance): its message delivered with senderType null
        boolean oddDelivered = oddMessageId == null || consumer.accepted().stream().map(HttpReceiver.Received::json)
                .filter(e -> e.path("accountId").asText().equals("ha-2"))
                .flatMap(e -> java.util.stream.StreamSupport.stream(e.at("/data/messages").spliterator(), false))
                .anyMatch(m -> m.path("id").asText().equals(oddMessageId) && m.path("senderType").isNull());
        Map<String, Long> bodies = sentBodies();
        long doubledSends = bodies.values().stream().filter(n -> n > 1).count();
        int lost = ledger.lost(expected()).size();
        Set<String> unannounced = ledger.unannounced(expected());
        List<String> queueProblems = ledger.queueProblems(queuedEvents());
        List<Long> early = sim.throttledEarlyMillis();
        long earlyMost = early.stream().mapToLong(Long::longValue).max().orElse(0);
        Map<String, String[]> cutOff = outboxRows(sendsCutOff.keySet());
        List<String> cutOffNotSentOnce = sendsCutOff.entrySet().stream().filter(e -> cutOff.get(e.getKey()) == null
                || !"SENT".equals(cutOff.get(e.getKey())[0]) || bodies.getOrDefault(e.getValue(), 0L) != 1L)
                .map(e -> e.getKey() + " " + java.util.Arrays.toString(cutOff.get(e.getKey())) + " received "
                        + bodies.getOrDefault(e.getValue(), 0L) + "x").toList();
        long replaysNotDuplicate = replayAnswers.stream().filter(s -> s != 200).count();
        Set<String> staleNotEdited = new HashSet<>(staleBeforeTouch);
        staleNotEdited.removeAll(edited);
        int reused = reusedEventIds();
        int doubled = ledger.doubled().size();
        long pagesShifted = shiftedPages();
        long seconds = Duration.between(started, Instant.now()).toSeconds();

        StringBuilder md = new StringBuilder();
        md.append("| load | |\n|---|---|\n")
                .append("| runtimes | 2 JVMs on one PostgreSQL (restarted after each kill) |\n")
                .append("| accounts | ").append(all().size()).append(" (Hostaway; one with 130 threads, 2 list pages) |\n")
                .append("| fault rounds | ").append(ROUNDS).append(" |\n")
                .append("| guest messages written | ").append(guestCount).append(" |\n")
                .append("| host replies sent through the API | ").append(accepted.size()).append(" (refused: ").append(sendRefused.get()).append(") |\n")
                .append("| messages in the PMS at the end | ").append(expected().size()).append(" |\n")
                .append("| PMS requests | ").append(sim.requests().size()).append(" |\n")
                .append("| events delivered (distinct ids) | ").append(ledger.events()).append(" |\n")
                .append("| redeliveries of an event id (deduped by the consumer) | ").append(ledger.redeliveries()).append(" |\n")
                .append("| 429s of the PMS's own limit (").append(LIMIT).append("/s per account; both nodes counted together) | ").append(sim.throttled())
                .append(early.isEmpty() ? "" : " (the earliest " + earlyMost + " ms before the limit allowed it)").append(" |\n")
                .append("| polls whose list pages shifted between page 1 and 2 | ").append(pagesShifted).append(" |\n")
                .append("| kills aimed at a request in flight | ").append(killsAimed.size()).append(" (").append(String.join("; ", killsAimed)).append(") |\n")
                .append("| sends in flight at a kill (outcome unknown to the runtime) | ").append(sendsCutOff.size()).append(" |\n")
                .append("| wall time | ").append(seconds).append(" s (").append(phases.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue() + " s").collect(Collectors.joining(", "))).append(") |\n\n");
        md.append("| fault injected | count |\n|---|---|\n");
        injected.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("| injected faults served by the simulator | ").append(sim.servedFaults().size()).append(" of ").append(simFaults).append(" |\n\n");
        md.append("| result | count |\n|---|---|\n")
                .append("| events lost (messages no event carried) | ").append(lost).append(" |\n")
                .append("| messages no event announced as new | ").append(unannounced.size()).append(" |\n")
                .append("| queued events that never reached the sink, or reached it out of order | ").append(queueProblems.size()).append(" |\n")
                .append("| duplicate event ids (one id, different content) | ").append(reused).append(" |\n")
                .append("| messages announced as new by two events | ").append(doubled).append(" |\n")
                .append("| doubled guest sends (PMS received a reply twice) | ").append(doubledSends).append(" |\n")
                .append("| malformed inputs not in the dead letters | ").append(malformedNotDead).append(" |\n")
                .append("| the unknown enum value's message not delivered (with its sender null) | ").append(oddDelivered ? 0 : 1).append(" |\n")
                .append("| conversations whose last delivery differs from the PMS | ").append(staleConversations().size()).append(" |\n")
                .append("| … before the end-of-run touch, other than the edited ones | ").append(staleNotEdited.size()).append(" |\n")
                .append("| sends cut off by a kill not SENT, or not received exactly once | ").append(cutOffNotSentOnce.size()).append(" |\n")
                .append("| webhook replays not answered as a duplicate | ").append(replaysNotDuplicate).append(" |\n")
                .append("| injected faults never served | ").append(sim.pendingFaults()).append(" |\n")
                .append("| database connections that outlived a cut | ").append(connectionsLeftAfterCut).append(" |\n");
        Path out = Path.of("target", "reliability");
        Files.createDirectories(out);
        Files.writeString(out.resolve("chaos.md"), md.toString());
        System.out.println(md);

        assertThat(lost).as("events lost").isZero();
        assertThat(unannounced).as("messages no event announced as new").isEmpty();
        assertThat(queueProblems).as("queued events not delivered, or out of order").isEmpty();
        assertThat(sim.pendingFaults()).as("injected faults never served").isZero();
        assertThat(sim.servedFaults()).as("every fault handed to the simulator was served").hasSize(simFaults);
        // the limit held: both nodes pace to it together. A 429 may only come from scheduling jitter: a request granted on
        // time reaching the PMS late, bunched with later grants, on a 2-core box running two runtimes, PostgreSQL and the
        // simulator. Measured: 5 to 14 of ~1,200 requests in one round (at most 362 ms early), 35 of 8,889 in ten; at
        // most 2% of the requests is allowed. Without the limiter the same round had 281 (25%), early by up to the whole
        // 1 s window (docs/reliability.md)
        int jitterBound = Math.max(10, sim.requests().size() / 50);
        assertThat(early).as("429s of the shared limit: how early each request came (ms)").hasSizeLessThanOrEqualTo(jitterBound)
                .allSatisfy(ms -> assertThat(ms).isLessThan(750L));
        assertThat(pagesShifted).as("polls whose pages shifted under them").isPositive();
        assertThat(injected.get("database connections cut")).as("connections cut").isPositive();
        assertThat(connectionsLeftAfterCut).as("connections that outlived the cut").isZero();
        assertThat(replayAnswers).as("webhook replays").hasSize(6 * ROUNDS).allSatisfy(s -> assertThat(s).as("answered as a duplicate").isEqualTo(200));
        assertThat(killsAimed).as("kills, each at a node seen holding a request").hasSize(2 * ROUNDS);
        assertThat(sendsCutOff).as("a send was in flight at each mid-send kill").isNotEmpty();
        assertThat(cutOffNotSentOnce).as("sends cut off by a kill: SENT, and received by the PMS once").isEmpty();
        assertThat(staleNotEdited).as("stale before the touch, other than the edited threads").isEmpty();
        assertThat(reused).as("duplicate event ids").isZero();
        assertThat(doubled).as("messages announced twice").isZero();
        assertThat(doubledSends).as("doubled guest sends " + bodies).isZero();
        assertThat(oddDelivered).as("the message with the unknown sender value delivered, its sender null").isTrue();
        assertThat(malformedNotDead).as("malformed inputs not in the dead letters (served %d+%d, dead %d+%d): %s",
                malformedServed, missingIdServed, malformedDead, missingIdDead,
                sim.servedFaults().stream().map(f -> f.method() + " " + f.path() + " " + f.fault().status()).toList()).isZero();
        assertThat(sendRefused.get()).as("sends refused: " + refusals).isZero();
        assertThat(nodes.values()).allMatch(RuntimeProcess::alive);
    }

    /** Polls of the big account during which a guest write moved a second-page thread to the front. */
    private long shiftedPages() {
        List<SimRequest> reqs = sim.requests("hostaway", BIG);
        long shifted = 0;
        for (int i = 0; i < reqs.size(); i++) {
            SimRequest first = reqs.get(i);
            if (!first.path().equals("/v1/conversations") || !first.query().getOrDefault("offset", "0").equals("0")) {
                continue;
            }
            for (int j = i + 1; j < reqs.size(); j++) {
                SimRequest r = reqs.get(j);
                if (r.path().equals("/v1/conversations") && "100".equals(r.query().get("offset")) && java.util.Objects.equals(r.node(), first.node())) {
                    Instant from = first.at();
                    Instant to = r.at();
                    if (sim.source("hostaway").account(BIG).threads.stream().flatMap(t -> t.messages.stream())
                            .anyMatch(m -> written(m, from, to))) {
                        shifted++;
                    }
                    break;
                }
            }
        }
        return shifted;
    }

    private static boolean written(JsonNode m, Instant from, Instant to) {
        String at = m.path("insertedOn").asText();
        if (at.isEmpty()) {
            return false;
        }
        Instant t = java.time.LocalDateTime.parse(at.replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
        return !t.isBefore(from.minusSeconds(1)) && !t.isAfter(to.plusSeconds(1));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
