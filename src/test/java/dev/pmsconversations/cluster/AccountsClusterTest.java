package dev.pmsconversations.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.simulator.SimAccount;
import dev.pmsconversations.simulator.SimFault;
import dev.pmsconversations.simulator.SimRequest;
import dev.pmsconversations.simulator.SimThread;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.EventLedger;
import dev.pmsconversations.testing.HttpReceiver;
import dev.pmsconversations.testing.RuntimeProcess;
import dev.pmsconversations.testing.TestConfig;
import dev.pmsconversations.testing.TestRuntime;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts created at run time on a cluster (issue "Connections", must-show): two runtimes in their own JVMs share one
 * PostgreSQL and have no account in their file. Fifty accounts of five sources are created through their APIs (in turn)
 * while guests write; each is polled within 10 s, by one node at a time (also while the PMS holds some polls longer
 * than their schedule); one has its credentials rotated; ten are
 * removed through the other node (their triggers gone, no request for them afterwards), one of them purged (its rows
 * gone); the HTTP sink's consumer gets every message of the other forty, none announced twice.
 */
class AccountsClusterTest {
    private static final List<String> SOURCES = List.of("hostaway", "guesty", "smoobu", "hostfully", "bookingsync");
    private static final int PER_SOURCE = 10;
    private static final String KEY = "cluster-test-key-0123456789abcdef";
    /** docs/api.md: the nodes follow the store every 2 s; the first poll is due at once; margin for a loaded 2-core machine. */
    private static final Duration FIRST_POLL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void accountsCreatedChangedAndRemovedThroughTheApiAreFollowedByEveryNode() throws Exception {
        try (PmsSimulator sim = new PmsSimulator(0, 17); HttpReceiver consumer = new HttpReceiver()) {
            String store = TestRuntime.postgresStoreUrl();
            List<Integer> ports = List.of(TestRuntime.freePort(), TestRuntime.freePort());
            List<RuntimeProcess> nodes = new ArrayList<>();
            List<RuntimeProcess> started = new ArrayList<>(); // every node run, also the one stopped: their logs
            Instant testStart = Instant.now();
            List<String> accounts = new ArrayList<>();
            for (String source : SOURCES) {
                for (int i = 1; i <= PER_SOURCE; i++) {
                    String id = source + "-a" + i;
                    sim.source(source).seed(id, 2, 2);
                    accounts.add(id);
                }
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread guests = new Thread(() -> keepWriting(sim, accounts, writing), "guests");
            // Hostaway's limit counted per account, as before it had a per-IP one: ten Hostaway accounts polled every 2 s
            // ask for 5 requests a second, more than the 1.5 Hostaway allows one address (SharedLimitTest covers that)
            Path mappings = dev.pmsconversations.testing.TestMappings.withRateLimit(dir.resolve("mappings"), "hostaway", 15, 10);
            try {
                for (int n = 0; n < ports.size(); n++) {
                    TestConfig config = TestConfig.onStore(store).encryptionKey(KEY).mappings(mappings)
                            .runtime("cluster: { pollThreads: 4, checkinMillis: 1000 }")
                            .api(ports.get(n), false, "http://127.0.0.1:" + ports.get(n)).section("delivery", "drainMillis: 200")
                            .httpSink("consumer", consumer.url(), "");
                    nodes.add(RuntimeProcess.start(config.write(dir.resolve("node-" + (n + 1) + ".yaml")), "node-" + (n + 1)));
                    started.add(nodes.get(n));
                }
                List<ApiClient> apis = ports.stream().map(ApiClient::new).toList();
                for (ApiClient api : apis) {
                    Awaitility.await("a node serving").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                            .until(() -> api.get("/v2/accounts", TestRuntime.TOKEN).status() == 200);
                }
                guests.start();

                // created through the nodes in turn, while guests write
                Map<String, Instant> createdAt = new LinkedHashMap<>();
                for (int i = 0; i < accounts.size(); i++) {
                    String id = accounts.get(i);
                    ApiClient.Answer a = apis.get(i % 2).post("/v2/accounts", TestRuntime.TOKEN, body(sim, id), Map.of());
                    assertThat(a.status()).as(id + ": " + a.text()).isEqualTo(201);
                    createdAt.put(id, Instant.now());
                }
                // (the requests before the 201 are the credentials' check)
                Awaitility.await("every account polled").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> accounts.stream().allMatch(id -> firstPollAt(sim, id, createdAt.get(id)) != null));
                assertThat(List.of("hostaway-a9", "hostaway-a10").stream().map(id -> sim.webhookSubscription("hostaway", id)))
                        .as("subscribed at Hostaway").doesNotContainNull();
                Map<String, Duration> firstPoll = new TreeMap<>();
                accounts.forEach(id -> firstPoll.put(id, Duration.between(createdAt.get(id), firstPollAt(sim, id, createdAt.get(id)))));

                // six polls held by the PMS longer than the schedule: the next fire must wait for them, on whichever node
                sim.inject("hostaway", SimFault.slow("/v1/conversations", 2500).onMethod("GET").exactly(), 6);
                Awaitility.await("the slow polls served").atMost(Duration.ofSeconds(60))
                        .until(() -> sim.servedFaults().stream().filter(f -> f.fault().delayMillis() == 2500).count() == 6);

                // one rotation: the PMS issues a new secret, the old one stops working
                String rotated = "guesty-a1";
                String newSecret = "guesty-rotated-secret-0123456789";
                SimAccount g = sim.source("guesty").account(rotated);
                Map<String, String> newCredentials = new LinkedHashMap<>(g.credentials);
                newCredentials.put("clientSecret", newSecret);
                ApiClient.Answer refused = apis.get(1).patch("/v2/accounts/" + rotated, TestRuntime.TOKEN,
                        "{\"credentials\":{\"clientSecret\":\"" + newSecret + "\"}}");
                assertThat(refused.status()).as("not issued yet: " + refused.text()).isEqualTo(422);
                g.credentials.put("clientSecret", newSecret);
                ApiClient.Answer rotation = apis.get(1).patch("/v2/accounts/" + rotated, TestRuntime.TOKEN,
                        "{\"credentials\":{\"clientSecret\":\"" + newSecret + "\"}}");
                assertThat(rotation.status()).as(rotation.text()).isEqualTo(200);

                // ten removed through the second node, one of them purged
                List<String> removed = new ArrayList<>();
                for (String source : SOURCES) {
                    removed.add(source + "-a9");
                    removed.add(source + "-a10");
                }
                Map<String, Instant> removedAt = new LinkedHashMap<>();
                for (String id : removed) {
                    String purge = id.equals("hostaway-a10") ? "?purge=true" : "";
                    ApiClient.Answer a = apis.get(1).delete("/v2/accounts/" + id + purge, TestRuntime.TOKEN);
                    assertThat(a.status()).as(id + ": " + a.text()).isEqualTo(200);
                    removedAt.put(id, Instant.now());
                }
                Instant lastRemoval = Instant.now();
                long hooksAtRemoval = sim.webhookCalls().stream().filter(w -> removed.contains(w.account())).count();
                // the first node follows within its follow interval; a poll it had begun may still end: 5 s after the last
                // removal, nothing more is asked of the PMS for them
                Awaitility.await("no request for a removed account").pollDelay(Duration.ofSeconds(5)).during(Duration.ofSeconds(4))
                        .atMost(Duration.ofSeconds(15)).until(() -> requestsAfter(sim, removed, lastRemoval.plusSeconds(5)).isEmpty());
                assertThat(triggers(store, removed)).as("removed accounts' poll triggers").isZero();
                // the removed Hostaway accounts had their webhooks subscribed through Hostaway's API: unsubscribed there
                assertThat(removed.stream().filter(id -> id.startsWith("hostaway-")).map(id -> sim.webhookSubscription("hostaway", id)))
                        .as("webhook subscriptions left at the PMS").containsOnlyNulls().hasSize(2);
                assertThat(sim.webhookCalls().stream().filter(w -> removed.contains(w.account())).count())
                        .as("webhook calls for removed accounts after their removal").isEqualTo(hooksAtRemoval);
                assertThat(rows(store, "conversation_state", "hostaway-a10")).as("purged").isZero();
                assertThat(rows(store, "conversation_state", "hostaway-a9")).as("removed, kept").isPositive();

                // a node started again follows the store from its start: it polls the kept accounts again
                nodes.get(0).close();
                TestConfig again = TestConfig.onStore(store).encryptionKey(KEY).mappings(mappings).runtime("cluster: { pollThreads: 4, checkinMillis: 1000 }")
                        .api(ports.get(0), false).section("delivery", "drainMillis: 200").httpSink("consumer", consumer.url(), "");
                RuntimeProcess restarted = RuntimeProcess.start(again.write(dir.resolve("node-1-again.yaml")), "node-1-again");
                nodes.set(0, restarted);
                started.add(restarted);
                Awaitility.await("the restarted node polling accounts created before it started").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500)).until(() -> accounts.stream()
                                .anyMatch(id -> sim.requests(source(id), id).stream().anyMatch(r -> restarted.nodeId().equals(r.node()))));

                writing.set(false);
                guests.join();
                List<String> kept = accounts.stream().filter(id -> !removed.contains(id)).toList();
                Awaitility.await("every message of the kept accounts delivered").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(missing(sim, consumer, kept)).as("conversations not all delivered").isEmpty());
                EventLedger ledger = EventLedger.of(consumer.accepted());
                // the rotated account is left out: the check of its new credentials is a request beside its polls
                Map<String, List<String>> overlaps = requestsDuringOtherNodesPolls(sim, started,
                        kept.stream().filter(id -> !id.equals(rotated)).toList(), testStart);
                System.out.printf("accounts cluster: %d accounts created through 2 nodes, first poll after at most %s, %d events, 0 lost,"
                                + " %d doubled, %d removed (%d requests after removal), %d requests during another node's poll%n",
                        accounts.size(), firstPoll.values().stream().max(Duration::compareTo).orElseThrow(), ledger.events(),
                        ledger.doubled().size(), removed.size(), requestsAfter(sim, removed, lastRemoval.plusSeconds(5)).size(),
                        overlaps.values().stream().mapToInt(List::size).sum());

                assertThat(firstPoll).as("each account's first poll after its creation").allSatisfy((id, d) -> assertThat(d).isLessThan(FIRST_POLL));
                assertThat(overlaps).as("an account polled by two nodes at once").isEmpty();
                assertThat(started).as("the nodes' poll lines read").allSatisfy(n -> assertThat(n.logLines()).anyMatch(l -> POLL_END.matcher(l).matches()));
                // a poll fired on a node before it followed the account (just created through the other node, or the node
                // just started) is not skipped: the node follows the account then and there (camel-quartz would log this)
                assertThat(started.stream().flatMap(n -> n.logLines().stream())
                        .filter(l -> l.contains("Cannot find existing QuartzEndpoint") && kept.stream().anyMatch(id -> l.contains("/" + id + "?"))))
                        .as("polls skipped: fired on a node that did not follow the account yet").isEmpty();
                assertThat(missing(sim, consumer, kept)).as("lost").isEmpty();
                assertThat(ledger.doubled()).as("messages announced by two events").isEmpty();
                assertThat(nodes).allSatisfy(n -> assertThat(n.alive()).as(n.logTail(40)).isTrue());
                assertThat(String.join("\n", nodes.get(0).logLines()) + String.join("\n", nodes.get(1).logLines()))
                        .as("no credential in the logs").doesNotContain(newSecret).doesNotContain(KEY);
            } finally {
                writing.set(false);
                for (RuntimeProcess n : nodes) {
                    n.close();
                }
            }
        }
    }

    private static String source(String accountId) {
        return accountId.substring(0, accountId.lastIndexOf("-a"));
    }

    private static String body(PmsSimulator sim, String id) {
        ObjectNode b = Json.MAPPER.createObjectNode().put("id", id).put("source", source(id)).put("baseUrl", sim.baseUrl(source(id)));
        ObjectNode credentials = b.putObject("credentials");
        sim.source(source(id)).account(id).credentials.forEach(credentials::put);
        b.putObject("schedule").put("every", "2s");
        // the ones removed later are subscribed to their PMS's webhooks where it has the API (Hostaway): they must be
        // unsubscribed; the kept ones are not (their polls alone are checked for overlaps)
        b.putObject("webhooks").put("subscribe", id.endsWith("-a9") || id.endsWith("-a10"));
        return b.toString();
    }

    private static void keepWriting(PmsSimulator sim, List<String> accounts, AtomicBoolean writing) {
        Random random = new Random(3);
        int n = 0;
        while (writing.get()) {
            String id = accounts.get(random.nextInt(accounts.size()));
            List<SimThread> threads = sim.source(source(id)).account(id).threads;
            sim.addMessage(source(id), id, threads.get(random.nextInt(threads.size())).id, "guest message " + (++n), true);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Accounts whose messages the consumer has not all received: {@code account: received of held}, counting per
     * conversation the messages of its latest event (a source's conversation id need not be the simulator's thread id).
     */
    private static List<String> missing(PmsSimulator sim, HttpReceiver consumer, List<String> accounts) {
        Map<String, Integer> carried = new java.util.HashMap<>();
        for (HttpReceiver.Received r : consumer.accepted()) {
            JsonNode e = r.json();
            carried.merge(e.path("accountId").asText() + "/" + e.at("/data/id").asText(), e.at("/data/messages").size(), Math::max);
        }
        List<String> out = new ArrayList<>();
        for (String id : accounts) {
            int got = carried.entrySet().stream().filter(c -> c.getKey().startsWith(id + "/")).mapToInt(Map.Entry::getValue).sum();
            int held;
            synchronized (sim.source(source(id))) {
                held = sim.source(source(id)).account(id).threads.stream().mapToInt(t -> t.messages.size()).sum();
            }
            if (got < held) {
                out.add(id + ": " + got + " of " + held);
            }
        }
        return out;
    }

    private static Instant firstPollAt(PmsSimulator sim, String id, Instant created) {
        return sim.requests(source(id), id).stream().map(SimRequest::arrived).filter(t -> t.isAfter(created)).findFirst().orElse(null);
    }

    private static List<SimRequest> requestsAfter(PmsSimulator sim, List<String> accounts, Instant after) {
        return accounts.stream().flatMap(id -> sim.requests(source(id), id).stream()).filter(r -> r.arrived().isAfter(after)).toList();
    }

    private static final java.util.regex.Pattern POLL_END = java.util.regex.Pattern.compile(
            "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) \\S+\\s+(\\S+) \\[progress\\].* \\[[a-z0-9]+/([^\\]]+)\\] poll (?:done|FAILED): .* (\\d+) ms$");

    /**
     * Requests of one node for an account made while another node was polling it. Each node's polls come from its own
     * log ("[source/account] poll done|FAILED: … N ms", logged as the poll ends) as [end − N ms, end]; the account's
     * trigger is held from before that start until after that end (Quartz frees it once the job has returned), so a
     * request of any other node inside is a poll of two nodes at once, or a read outliving its poll. (Every request of
     * these accounts is a poll's: no webhooks, sends or credential changes.)
     */
    private static Map<String, List<String>> requestsDuringOtherNodesPolls(PmsSimulator sim, List<RuntimeProcess> nodes,
                                                                         List<String> accounts, Instant testStart) {
        java.time.ZoneId zone = java.time.ZoneId.systemDefault();
        java.time.LocalDate day = testStart.atZone(zone).toLocalDate();
        Map<String, List<Object[]>> polls = new java.util.HashMap<>(); // account -> {node, start, end}
        for (RuntimeProcess n : nodes) {
            for (String line : n.logLines()) {
                java.util.regex.Matcher m = POLL_END.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                Instant end = java.time.LocalTime.parse(m.group(1)).atDate(day).atZone(zone).toInstant();
                if (end.isBefore(testStart.minus(Duration.ofHours(1)))) {
                    end = end.plus(Duration.ofDays(1)); // the test went past midnight
                }
                polls.computeIfAbsent(m.group(3), k -> new ArrayList<>())
                        .add(new Object[] {m.group(2), end.minusMillis(Long.parseLong(m.group(4))), end});
            }
        }
        Map<String, List<String>> out = new TreeMap<>();
        for (String id : accounts) {
            for (SimRequest r : sim.requests(source(id), id)) {
                if (r.node() == null) {
                    continue; // not a runtime's request (e.g. a token endpoint that does not record the User-Agent)
                }
                for (Object[] p : polls.getOrDefault(id, List.of())) {
                    if (!p[0].equals(r.node()) && r.arrived().isAfter((Instant) p[1]) && r.arrived().isBefore((Instant) p[2])) {
                        out.computeIfAbsent(id, k -> new ArrayList<>()).add(r.node() + " " + r.method() + " " + r.path() + " at "
                                + r.arrived() + " during the poll of " + p[0] + " " + p[1] + ".." + p[2]);
                    }
                }
            }
        }
        return out;
    }

    private static int triggers(String store, List<String> accounts) throws Exception {
        int n = 0;
        try (Connection c = DriverManager.getConnection(store)) {
            for (String id : accounts) {
                try (PreparedStatement ps = c.prepareStatement("select count(*) from qrtz_triggers where trigger_name = ?")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        n += rs.getInt(1);
                    }
                }
            }
        }
        return n;
    }

    private static int rows(String store, String table, String accountId) throws Exception {
        try (Connection c = DriverManager.getConnection(store);
             PreparedStatement ps = c.prepareStatement("select count(*) from " + table + " where account_id = ?")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
