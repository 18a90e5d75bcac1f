package dev.pmsconversations.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.HttpReceiver;
import dev.pmsconversations.testing.OpenApi;
import dev.pmsconversations.testing.TestRuntime;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery to an HTTP sink (a real HTTP server in the test) next to the file sink: retries with backoff,
 * Retry-After, dead letters and replay, order per conversation, and a sink that is down while the other keeps
 * receiving. Exactly once is counted the consumer's way: by event id.
 */
class SinkDeliveryTest extends RuntimeTestSupport {
    private static final String SECRET = "sink-signing-secret-0123456789";
    private final HttpReceiver receiver = new HttpReceiver();

    @Override
    protected String extraSinks() {
        return "  - name: crm\n    type: http\n    url: \"" + receiver.url() + "\"\n    headers: { X-Team: ops }\n"
                + "    secret: { value: \"" + SECRET + "\" }\n    maxAttempts: 4\n    readTimeoutMillis: 5000\n"
                + "    filter: { sources: [hostaway] }\n";
    }

    @Override
    protected boolean withApi() {
        return true;
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    /** Event ids the receiver accepted (2xx), in arrival order. */
    private List<String> acceptedIds() {
        return receiver.accepted().stream().map(r -> r.json().get("id").asText()).toList();
    }

    private List<String> fileEventIds(String account) {
        return events(account).stream().map(e -> e.get("id").asText()).toList();
    }

    @Test
    void retriesAfter5xxKeepTheOrderAndEveryRequestIsSigned() throws Exception {
        receiver.then(500, Map.of(), 2);
        awaitFirstPolls();
        sim.addMessage("hostaway", "hostaway-1", "1406", "Is there a crib?", true);
        poll("hostaway-1");
        // created, then updated (the simulator's webhook may bring the change in before the poll does)
        await().atMost(Duration.ofSeconds(30)).until(() -> fileEventIds("hostaway-1").size() == 2);
        List<String> expected = fileEventIds("hostaway-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> acceptedIds().size() == 2);
        assertThat(acceptedIds()).as("each event once, in order").containsExactlyElementsOf(expected);
        assertThat(receiver.received()).hasSize(4); // the first event failed twice, then both went through
        for (HttpReceiver.Received r : receiver.received()) {
            assertThat(r.header("X-Team")).isEqualTo("ops");
            assertThat(r.header("X-Pms-Event-Id")).isEqualTo(r.json().get("id").asText());
            assertThat(SignatureCheck.verify(SECRET, r.header("X-Pms-Timestamp"), r.header("X-Pms-Signature"), r.body())).isTrue();
            assertThat(SignatureCheck.verify("wrong-secret", r.header("X-Pms-Timestamp"), r.header("X-Pms-Signature"), r.body())).isFalse();
            assertThat(r.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("pms") || h.equalsIgnoreCase("Authorization"));
        }
        // the other sources are filtered out of this sink, and still reach the file sink
        assertThat(receiver.received()).allSatisfy(r -> assertThat(r.json().get("source").asText()).isEqualTo("hostaway"));
        assertThat(fileEventIds("guesty-1")).hasSize(1);
    }

    @Test
    void aTooManyRequestsAnswerIsRetriedAfterItsRetryAfter() {
        receiver.then(429, Map.of("Retry-After", "2"), 1);
        awaitFirstPolls();
        await().atMost(Duration.ofSeconds(30)).until(() -> acceptedIds().size() == 1);
        List<HttpReceiver.Received> calls = receiver.received();
        assertThat(calls).hasSize(2);
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    /** The sink answers {@code status} {@code times} times; starts the runtime and waits for the crm sink's first dead letter. */
    private DeliveryStore.Row firstDeadLetterWhenAnswering(int status, int times, Duration within) {
        receiver.then(status, Map.of(), times);
        awaitFirstPolls();
        await().atMost(within).until(() -> !pms.deliveries().deadLetters("crm", null).isEmpty());
        return pms.deliveries().deadLetters("crm", null).get(0);
    }

    @Test
    void aSinkFailingEveryAttemptGetsExactlyMaxAttemptsBeforeTheEventIsDeadLettered() {
        DeliveryStore.Row dead = firstDeadLetterWhenAnswering(500, 100, Duration.ofSeconds(60));
        // maxAttempts: 4 (docs/configuration.md: attempts before an event becomes a dead letter)
        assertThat(dead.attempts()).isEqualTo(4);
        assertThat(dead.lastError()).startsWith("gave up after 4 attempts: HTTP 500");
        assertThat(receiver.received()).hasSize(4);
    }

    @Test
    void aRefusalIsDeadLetteredWithTheAnswerAndAReplayDeliversItOnce() {
        DeliveryStore.Row dead = firstDeadLetterWhenAnswering(400, 1, Duration.ofSeconds(30));
        assertThat(dead.lastError()).contains("HTTP 400");
        assertThat(dead.attempts()).isEqualTo(1);
        assertThat(receiver.received()).hasSize(1);
        // a dead letter does not hold up the conversation's later events
        sim.addMessage("hostaway", "hostaway-1", "1406", "Hello again", true);
        poll("hostaway-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> fileEventIds("hostaway-1").size() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> acceptedIds().size() == 1);
        // the operator sees it over the API and replays it
        ApiClient api = new ApiClient(apiPort);
        ApiClient.Answer listed = api.get("/v2/dead-letters?sink=crm", TestRuntime.TOKEN);
        assertThat(OpenApi.problems("GET", "/v2/dead-letters", listed.status(), listed.json())).isEmpty();
        assertThat(listed.json().at("/data/0/eventId").asText()).isEqualTo(dead.eventId());
        assertThat(listed.json().at("/data/0/error").asText()).contains("HTTP 400");
        // the token limited to hostaway-1 sees it too: it is that account's (another account's: TenantIsolationTest)
        assertThat(api.get("/v2/dead-letters", TestRuntime.SCOPED_TOKEN).json().at("/data/0/eventId").asText()).isEqualTo(dead.eventId());
        ApiClient.Answer replayed = api.post("/v2/dead-letters/replay", TestRuntime.TOKEN, "{\"sink\":\"crm\",\"id\":" + dead.id() + "}", Map.of());
        assertThat(OpenApi.problems("POST", "/v2/dead-letters/replay", replayed.status(), replayed.json())).isEmpty();
        assertThat(replayed.json().at("/data/replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> acceptedIds().size() == 2);
        assertThat(acceptedIds()).containsExactlyInAnyOrderElementsOf(fileEventIds("hostaway-1")).doesNotHaveDuplicates();
        assertThat(pms.deliveries().deadLetters("crm", null)).isEmpty();
    }

    @Test
    void aSinkThatIsDownDoesNotHoldUpTheOtherAndGetsItsBacklogInOrderLater() {
        receiver.stop();
        // polls only: a webhook's read racing the test's next message could add a legitimate event (the conversation's
        // updated time caught up), and this test counts one event per poll
        sim.unregisterWebhook("hostaway", "hostaway-1");
        awaitFirstPolls();
        for (int i = 1; i <= 3; i++) {
            sim.addMessage("hostaway", "hostaway-1", "1406", "message " + i, true);
            poll("hostaway-1");
        }
        await("the file sink gets every change meanwhile").atMost(Duration.ofSeconds(30))
                .until(() -> fileEventIds("hostaway-1").size() == 4);
        List<String> expected = fileEventIds("hostaway-1");
        assertThat(pms.deliveries().backlog("hostaway-1")).isEqualTo(4);
        receiver.start();
        await().atMost(Duration.ofSeconds(40)).until(() -> acceptedIds().size() == 4);
        assertThat(acceptedIds()).containsExactlyElementsOf(expected);
        assertThat(pms.deliveries().backlog("hostaway-1")).isZero();
    }

    @Test
    void aSlowSinkDoesNotSlowThePolls() {
        awaitFirstPolls();
        await().atMost(Duration.ofSeconds(30)).until(() -> acceptedIds().size() == 1);
        receiver.slowDown(4000);
        sim.addMessage("hostaway", "hostaway-1", "1406", "Are towels provided?", true);
        poll("hostaway-1");
        // the poll is back while the slow sink is still answering: the file sink already has the change
        await().atMost(Duration.ofSeconds(3)).until(() -> fileEventIds("hostaway-1").size() == 2);
        assertThat(acceptedIds()).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> acceptedIds().size() == 2);
        assertThat(acceptedIds()).containsExactlyElementsOf(fileEventIds("hostaway-1"));
    }

    @Test
    void theDocumentedSignatureChecksMatchWhatTheSinkSends() throws Exception {
        awaitFirstPolls();
        await().atMost(Duration.ofSeconds(30)).until(() -> acceptedIds().size() == 1);
        HttpReceiver.Received r = receiver.accepted().get(0);
        // the Java example in docs/sinks.md is this package's SignatureCheck, verbatim
        String docs = Files.readString(Path.of("docs/sinks.md"));
        String example = Files.readString(Path.of("src/test/java/dev/pmsconversations/delivery/SignatureCheck.java"));
        assertThat(docs).contains(example.substring(example.indexOf("public final class SignatureCheck")).strip());
        // the openssl line of docs/sinks.md, run by a shell on the real request
        String line = docs.lines().filter(l -> l.contains("openssl dgst")).findFirst().orElseThrow().strip();
        Path bodyFile = Files.createTempFile("event", ".json");
        Files.writeString(bodyFile, r.body());
        Process run = new ProcessBuilder("bash", "-c", "TS=\"$1\"; SECRET=\"$2\"; BODY_FILE=\"$3\"; " + line, "sh",
                r.header("X-Pms-Timestamp"), SECRET, bodyFile.toString()).redirectErrorStream(true).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(run.waitFor()).as(out).isZero();
        assertThat("v1=" + out.replaceAll(".*= ", "")).isEqualTo(r.header("X-Pms-Signature"));
    }
}
