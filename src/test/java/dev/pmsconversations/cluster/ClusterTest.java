package dev.pmsconversations.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.simulator.SimAccount;
import dev.pmsconversations.simulator.SimRequest;
import dev.pmsconversations.simulator.SimThread;
import dev.pmsconversations.testing.EventLedger;
import dev.pmsconversations.testing.HttpReceiver;
import dev.pmsconversations.testing.RuntimeProcess;
import dev.pmsconversations.testing.TestConfig;
import dev.pmsconversations.testing.TestRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three runtimes in their own JVMs share one PostgreSQL (the documented N-node set-up: the same config file on
 * each) and poll nine Hostaway accounts of the simulator while guests keep writing. One runtime is killed with
 * SIGKILL in the middle of a poll. The simulator records which node made each request; the HTTP sink's
 * consumer counts what arrived.
 */
class ClusterTest {
    private static final int ACCOUNTS = 9;
    private static final int THREADS = 3;

    @TempDir
    Path dir;

    @Test
    void threeNodesShareTheAccountsAndTakeOverFromAKilledOne() throws Exception {
        try (PmsSimulator sim = new PmsSimulator(0, 11); HttpReceiver consumer = new HttpReceiver()) {
            sim.latency(Duration.ofMillis(40)); // a poll takes a while: there is a "middle" to kill it in
            Path config = writeConfig(sim, consumer);
            List<RuntimeProcess> nodes = new ArrayList<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread guests = new Thread(() -> keepWriting(sim, writing), "guests");
            try {
                for (int i = 1; i <= 3; i++) {
                    nodes.add(RuntimeProcess.start(config, "node-" + i));
                }
                Awaitility.await("first sync of every account").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> EventLedger.of(consumer.accepted()).lost(expected(sim)).isEmpty());
                guests.start();
                Awaitility.await("every node polling").atMost(Duration.ofSeconds(60))
                        .until(() -> nodes.stream().allMatch(n -> !polls(sim, n.nodeId()).isEmpty()));

                // SIGKILL the node whose poll is under way right now
                RuntimeProcess victim = nodes.get(1);
                Awaitility.await("a poll of " + victim.nodeId() + " under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                        .until(() -> midPoll(sim, victim.nodeId()));
                victim.kill9();
                Instant killedAt = Instant.now();
                Set<String> victimAccounts = sim.requests().stream().filter(r -> victim.nodeId().equals(r.node()) && r.account() != null)
                        .map(SimRequest::account).collect(Collectors.toSet());

                // guests go on writing while the others notice (cluster check-in) and take the accounts over
                Awaitility.await("every account polled again after the kill").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> accounts().stream().allMatch(a -> sim.requests("hostaway", a).stream()
                                .anyMatch(r -> r.at().isAfter(killedAt.plusSeconds(2)) && isPollStart(r))));
                writing.set(false);
                guests.join();

                Awaitility.await("every guest message delivered").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> EventLedger.of(consumer.accepted()).lost(expected(sim)).isEmpty());
                EventLedger ledger = EventLedger.of(consumer.accepted());
                Map<String, List<String>> overlaps = overlappingPolls(sim);
                System.out.printf("cluster: %d events, %d messages, 0 lost, %d doubled, %d redeliveries (same event id, deduped),"
                                + " %d polls, killed %s (it had polled %s)%n", ledger.events(), expected(sim).size(),
                        ledger.doubled().size(), ledger.redeliveries(), allPolls(sim).size(), victim.nodeId(), victimAccounts);

                assertThat(ledger.lost(expected(sim))).as("lost").isEmpty();
                assertThat(ledger.doubled()).as("messages announced by two events").isEmpty();
                assertThat(overlaps).as("an account polled by two nodes at once").isEmpty();
                assertThat(victimAccounts).as("the killed node had accounts to hand over").isNotEmpty();
                for (String account : victimAccounts) {
                    assertThat(sim.requests("hostaway", account)).as(account + " polled by the survivors after the kill")
                            .anyMatch(r -> r.at().isAfter(killedAt) && isPollStart(r) && !victim.nodeId().equals(r.node()));
                }
                assertThat(nodes.get(0).alive() && nodes.get(2).alive()).as(nodes.get(0).logTail(40)).isTrue();
            } finally {
                writing.set(false);
                for (RuntimeProcess n : nodes) {
                    n.close();
                }
            }
        }
    }

    private Path writeConfig(PmsSimulator sim, HttpReceiver consumer) throws Exception {
        TestConfig config = TestConfig.onStore(TestRuntime.postgresStoreUrl()).runtime("cluster: { pollThreads: 2, checkinMillis: 1000 }")
                .section("delivery", "drainMillis: 200, leaseSeconds: 5").httpSink("consumer", consumer.url(), "");
        for (String account : accounts()) {
            sim.source("hostaway").seed(account, THREADS, 2);
            config.account(account, "hostaway", sim, "2s", Map.of());
        }
        return config.write(dir.resolve("cluster.yaml"));
    }

    private static List<String> accounts() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= ACCOUNTS; i++) {
            ids.add("ha-" + i);
        }
        return ids;
    }

    /** Every message the simulated PMS holds, as {@code account/conversation/message}. */
    private static Set<String> expected(PmsSimulator sim) {
        Set<String> keys = new HashSet<>();
        for (String account : accounts()) {
            SimAccount a = sim.source("hostaway").account(account);
            synchronized (sim.source("hostaway")) {
                for (SimThread t : a.threads) {
                    t.messages.forEach(m -> keys.add(account + "/" + t.id + "/" + m.path("id").asText()));
                }
            }
        }
        return keys;
    }

    private static void keepWriting(PmsSimulator sim, AtomicBoolean writing) {
        Random random = new Random(5);
        int n = 0;
        while (writing.get()) {
            String account = "ha-" + (1 + random.nextInt(ACCOUNTS));
            SimThread thread = sim.source("hostaway").account(account).threads.get(random.nextInt(THREADS));
            sim.addMessage("hostaway", account, thread.id, "guest message " + (++n), true);
            try {
                Thread.sleep(120);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A poll starts with the first page of the conversation list. */
    private static boolean isPollStart(SimRequest r) {
        return r.method().equals("GET") && r.path().equals("/v1/conversations") && r.query().getOrDefault("offset", "0").equals("0");
    }

    private static List<SimRequest> polls(PmsSimulator sim, String node) {
        return sim.requests().stream().filter(r -> node.equals(r.node()) && isPollStart(r)).toList();
    }

    private static List<SimRequest> allPolls(PmsSimulator sim) {
        return sim.requests().stream().filter(ClusterTest::isPollStart).toList();
    }

    /** The node's last request was a moment ago and was not the end of a poll with nothing to fetch. */
    private static boolean midPoll(PmsSimulator sim, String node) {
        List<SimRequest> mine = sim.requests().stream().filter(r -> node.equals(r.node())).toList();
        return !mine.isEmpty() && mine.get(mine.size() - 1).at().isAfter(Instant.now().minusMillis(15));
    }

    /**
     * Per account, each node's polls as time spans (from a poll's first list page to that node's last request
     * before its next poll of the account); spans of different nodes that overlap are reported.
     */
    private static Map<String, List<String>> overlappingPolls(PmsSimulator sim) {
        Map<String, List<String>> overlaps = new TreeMap<>();
        for (String account : accounts()) {
            List<Instant[]> spans = new ArrayList<>();
            List<String> owners = new ArrayList<>();
            Map<String, Integer> open = new java.util.HashMap<>();
            for (SimRequest r : sim.requests("hostaway", account)) {
                if (r.node() == null) {
                    continue;
                }
                if (isPollStart(r)) {
                    open.put(r.node(), spans.size());
                    spans.add(new Instant[] {r.at(), r.at()});
                    owners.add(r.node());
                } else if (open.containsKey(r.node())) {
                    spans.get(open.get(r.node()))[1] = r.at();
                }
            }
            for (int i = 0; i < spans.size(); i++) {
                for (int j = i + 1; j < spans.size(); j++) {
                    boolean overlap = !spans.get(j)[0].isAfter(spans.get(i)[1]) && !spans.get(i)[0].isAfter(spans.get(j)[1]);
                    if (overlap && !owners.get(i).equals(owners.get(j))) {
                        overlaps.computeIfAbsent(account, k -> new ArrayList<>()).add(owners.get(i) + " " + spans.get(i)[0] + ".."
                                + spans.get(i)[1] + " / " + owners.get(j) + " " + spans.get(j)[0] + ".." + spans.get(j)[1]);
                    }
                }
            }
        }
        return overlaps;
    }
}
