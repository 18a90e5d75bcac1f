package dev.pmsconversations.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.simulator.SimFault;
import dev.pmsconversations.simulator.SimSend;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sending through the outbox over real HTTP, per source: the simulator records what the PMS received, so
 * "sent exactly once" is counted where it matters, at the PMS.
 *
 * <p>The tests share one runtime (starting one per case took 3 s of the ~3.5 s each of the 76 cases took): each
 * case sends its own text on its own key, counts only the sends carrying its text, and puts back what it changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendMessageTest extends RuntimeTestSupport {
    private ApiClient api;

    @AfterAll
    void stopSharedRuntime() {
        stopRuntimeThenSimulator();
    }

    @Override
    protected boolean withApi() {
        return true;
    }

    /** A fragment of the PMS's send path, to aim faults at the send call only. */
    private static String sendPath(String source) {
        return switch (source) {
            case "hostaway", "hostfully", "lodgify", "beds24", "ownerrez", "hospitable", "yourrentals", "resly" -> "/messages"; // faults are aimed at POST only
            case "guesty" -> "/send-message";
            case "hostify", "fantasticstay" -> "/inbox/reply";
            case "hostex" -> "/conversations/";
            case "rentalwise" -> "/thread-message/send";
            case "bookingsync" -> "/inbox/messages";
            default -> "/send-message-to-guest";
        };
    }

    /** Starts the shared runtime for the first case. */
    private void start() {
        if (api == null) {
            awaitFirstPolls();
            api = new ApiClient(apiPort);
        }
    }

    /** What the PMS received for the account's sends carrying {@code body} (this case's own text). */
    private List<SimSend> sends(String source, String body) {
        return sim.sends(source, source + "-1").stream().filter(x -> x.request().toString().contains(body)).toList();
    }

    private ApiClient.Answer send(String source, String body, String key) {
        // the account is named: fixture ids of sources built on the same docs example (Hostify, FantasticStay) coincide
        return api.post("/v2/conversations/" + fixtureThread(source) + "/messages?accountId=" + source + "-1", TestRuntime.TOKEN,
                "{\"body\":\"" + body + "\"}", key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    private JsonNode entry(String id) {
        return api.get("/v2/outbox/" + id, TestRuntime.TOKEN).json().get("data");
    }

    private JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> entry(id).get("status").asText().equals(status));
        return entry(id);
    }

    /** The sent message reaches the sinks with the PMS's own id, as an owner message. */
    private void assertDeliveredWithPmsId(String source, String pmsMessageId, String body) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> carrying = events(source + "-1").stream()
                    .filter(e -> e.get("newMessageIds").toString().contains("\"" + pmsMessageId + "\"")).toList();
            assertThat(carrying).hasSize(1);
            JsonNode message = null;
            for (JsonNode m : carrying.get(0).at("/data/messages")) {
                message = m.get("id").asText().equals(pmsMessageId) ? m : message;
            }
            assertThat(message).isNotNull();
            assertThat(message.get("body").asText()).isEqualTo(body);
            assertThat(message.get("senderType").asText()).isEqualTo("Owner");
        });
    }

    @ParameterizedTest
    @MethodSource("dev.pmsconversations.testing.RuntimeTestSupport#sourcesUnderTest")
    void fiveConcurrentRepeatsOfOneKeySendOnce(String source) throws Exception {
        start();
        int n = 5;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<CompletableFuture<ApiClient.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return send(source, "See you at 3pm!", "key-" + source);
            }, pool));
        }
        go.countDown();
        List<ApiClient.Answer> done = answers.stream().map(CompletableFuture::join).toList();
        pool.shutdown();
        assertThat(done).allSatisfy(a -> assertThat(a.status()).isEqualTo(202));
        assertThat(done.stream().map(a -> a.json().at("/data/id").asText()).distinct()).hasSize(1);
        assertThat(done.stream().filter(a -> a.headers().firstValue("Idempotent-Replayed").orElse("").equals("false"))).hasSize(1);
        String id = done.get(0).json().at("/data/id").asText();

        JsonNode sent = awaitStatus(id, "SENT");
        List<SimSend> sends = sends(source, "See you at 3pm!");
        assertThat(sends).hasSize(1);
        assertThat(sent.get("pmsMessageId").asText()).isEqualTo(sends.get(0).createdMessageId());
        assertDeliveredWithPmsId(source, sent.get("pmsMessageId").asText(), "See you at 3pm!");
        // the same key later still answers with the same message, and nothing more is sent
        ApiClient.Answer later = send(source, "See you at 3pm!", "key-" + source);
        assertThat(later.json().at("/data/id").asText()).isEqualTo(id);
        assertThat(later.json().at("/data/status").asText()).isEqualTo("SENT");
        assertThat(sends(source, "See you at 3pm!")).hasSize(1);
    }

    /**
     * Each of two messages sent one after the other reaches the sinks. Hostex and Resly answer a thread's own read
     * without the list's updated time, and the empty marker that gave once hid the second message.
     */
    @ParameterizedTest
    @MethodSource("dev.pmsconversations.testing.RuntimeTestSupport#sourcesUnderTest")
    void twoMessagesSentInARowBothReachTheSinks(String source) {
        start();
        for (String body : List.of("First of two", "Second of two")) {
            String id = send(source, body, null).json().at("/data/id").asText();
            JsonNode sent = awaitStatus(id, "SENT");
            assertThat(sends(source, body)).hasSize(1);
            assertDeliveredWithPmsId(source, sent.get("pmsMessageId").asText(), body);
        }
    }

    /** RentalWise sends through a provider: CHANNEL takes the thread's own (read first, api.send.prepare), EMAIL "email". */
    @org.junit.jupiter.api.Test
    void aPreparedValueFillsTheSendBody() {
        org.junit.jupiter.api.Assumptions.assumeTrue(sourcesUnderTest().anyMatch("rentalwise"::equals));
        start();
        String thread = fixtureThread("rentalwise");
        String channel = api.post("/v2/conversations/" + thread + "/messages?accountId=rentalwise-1", TestRuntime.TOKEN,
                "{\"body\":\"Via Airbnb\"}", Map.of()).json().at("/data/id").asText();
        String email = api.post("/v2/conversations/" + thread + "/messages?accountId=rentalwise-1", TestRuntime.TOKEN,
                "{\"body\":\"Via e-mail\",\"type\":\"EMAIL\",\"subject\":\"Your stay\"}", Map.of()).json().at("/data/id").asText();
        awaitStatus(channel, "SENT");
        awaitStatus(email, "SENT");
        List<SimSend> sends = sim.sends("rentalwise", "rentalwise-1").stream()
                .filter(x -> x.request().get("content").asText().startsWith("Via ")).toList();
        assertThat(sends).extracting(x -> x.request().get("content").asText() + " -> " + x.request().get("provider").asText())
                .containsExactlyInAnyOrder("Via Airbnb -> airbnb", "Via e-mail -> email"); // the fixture thread is an Airbnb one
        assertThat(sends).allSatisfy(x -> assertThat(x.request().get("thread").asText()).isEqualTo(thread));
    }

    @ParameterizedTest
    @MethodSource("dev.pmsconversations.testing.RuntimeTestSupport#sourcesUnderTest")
    void aPmsAnswering500TwiceThen200SendsOnce(String source) {
        start();
        sim.inject(source, SimFault.status(sendPath(source), 500).onMethod("POST"), 2);
        String id = send(source, "Your code is 4711", "retry-" + source).json().at("/data/id").asText();
        JsonNode sent = awaitStatus(id, "SENT");
        assertThat(sent.get("attempts").asInt()).isEqualTo(3);
        assertThat(sends(source, "Your code is 4711")).hasSize(1);
        assertDeliveredWithPmsId(source, sent.get("pmsMessageId").asText(), "Your code is 4711");
    }

    @ParameterizedTest
    @MethodSource("dev.pmsconversations.testing.RuntimeTestSupport#sourcesUnderTest")
    void aPmsThatTookTheMessageButAnswered500IsNotSentAgain(String source) {
        start();
        sim.inject(source, SimFault.status(sendPath(source), 500).onMethod("POST").handledFirst(), 1);
        String id = send(source, "Checked and confirmed", null).json().at("/data/id").asText();
        JsonNode sent = awaitStatus(id, "SENT");
        List<SimSend> sends = sends(source, "Checked and confirmed");
        assertThat(sends).hasSize(1);
        assertThat(sent.get("pmsMessageId").asText()).isEqualTo(sends.get(0).createdMessageId());
    }

    @ParameterizedTest
    @MethodSource("dev.pmsconversations.testing.RuntimeTestSupport#sourcesUnderTest")
    void aCrashAfterThePmsAcceptedThenARestartSendsOnce(String source) throws Exception {
        start();
        String id;
        try {
            pms.outbox().afterPmsAccepted(() -> {
                throw new IllegalStateException("simulated crash between the PMS call and the status write");
            });
            id = send(source, "Crash-proof hello", "crash-" + source).json().at("/data/id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> sends(source, "Crash-proof hello").size() == 1);
            assertThat(entry(id).get("status").asText()).isEqualTo("SENDING");
        } finally {
            // the send routes go down mid-way, and come back with the crash gone (also for the next cases)
            List<String> sendRoutes = List.of("outbox-sweep", "outbox-send-now", "send-message");
            for (String r : sendRoutes) {
                context.getRouteController().stopRoute(r);
            }
            pms.outbox().afterPmsAccepted(() -> { });
            for (String r : sendRoutes) {
                context.getRouteController().startRoute(r);
            }
        }
        JsonNode sent = awaitStatus(id, "SENT"); // after the 3 s lease: taken over, found in the thread, not re-sent
        List<SimSend> sends = sends(source, "Crash-proof hello");
        assertThat(sends).hasSize(1);
        assertThat(sent.get("pmsMessageId").asText()).isEqualTo(sends.get(0).createdMessageId());
    }

    @ParameterizedTest
    @MethodSource("dev.pmsconversations.testing.RuntimeTestSupport#sourcesUnderTest")
    void aRefusalFailsWithThePmsReasonAndIsNotRetried(String source) {
        start();
        ApiClient.Answer a = api.post("/v2/conversations", TestRuntime.TOKEN,
                "{\"conversationId\":\"999999\",\"reservationId\":\"1\",\"accountId\":\"" + source + "-1\",\"body\":\"hello?\"}", Map.of());
        assertThat(a.status()).isEqualTo(202);
        JsonNode failed = awaitStatus(a.json().at("/data/id").asText(), "FAILED");
        // Beds24 answers 201 with {"success": false, "errors": [...]} for a message it refuses
        assertThat(failed.get("error").asText()).contains("source '" + source + "'", "account '" + source + "-1'",
                source.equals("beds24") ? "refused in a 201 answer" : "HTTP 404");
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
        assertThat(sim.sends(source, source + "-1")).noneMatch(x -> "999999".equals(x.threadId()));
    }
}
