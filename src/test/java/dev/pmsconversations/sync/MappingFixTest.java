package dev.pmsconversations.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.store.ReadFailures;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No thread is lost to a mapping error (the trial of the hardening issue): Smoobu's sender table, made strict
 * ({@code onUnknown: error}) and without its
 * {@code "2": Owner} row cannot map the fixture thread 292 (its second message is the host's, type 2). The thread goes to
 * the dead letters with source, account, field and native document, is not marked as read, and once the source file is
 * fixed, on the running node (dev mode: no restart, no manual resync), its guest's messages reach the sink exactly once.
 */
class MappingFixTest extends RuntimeTestSupport {
    private static final String ACCOUNT = "smoobu-1";
    private static final String THREAD = "292";
    private static final String OWNER_ROW = ", \"2\": Owner";

    @TempDir
    static Path mappings;

    private static String original;

    @Override
    protected boolean withApi() {
        return true;
    }

    /** Smoobu's account holds only thread 292, the one whose host message this test makes unmappable. */
    @Override
    protected List<dev.pmsconversations.testing.Fixtures.Fixture> fixtures(String source) {
        return super.fixtures(source).stream().filter(f -> !source.equals("smoobu") || f.name().equals("booking-" + THREAD)).toList();
    }

    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        try (Stream<Path> files = Files.list(Path.of("mappings"))) {
            for (Path f : files.toList()) {
                Files.copy(f, mappings.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            original = Files.readString(Path.of("mappings/smoobu.yaml"));
            assertThat(original).as("the row this test removes").contains("values: { \"1\": Guest" + OWNER_ROW + " }");
            // the edit also makes the sender strict (an unknown value would otherwise be tolerated as null): a mapping error
            write(original.replace("values: { \"1\": Guest" + OWNER_ROW + " }", "values: { \"1\": Guest }, onUnknown: error"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config.withMappings(mappings).withDevMode(true);
    }

    private static void write(String text, int secondsAhead) throws IOException {
        Path file = mappings.resolve("smoobu.yaml");
        Files.writeString(file, text);
        // a later modification time than the one loaded (file systems with coarse timestamps)
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
    }

    private ReadFailures.Failure openDeadLetter() {
        List<ReadFailures.Failure> open = pms.store().readFailures().open(Set.of(ACCOUNT));
        assertThat(open).singleElement();
        return open.get(0);
    }

    @Test
    void aThreadThatFailsToMapIsDeliveredOnceTheSourceFileIsFixed() throws IOException {
        awaitFirstPolls();
        ReadFailures.Failure dead = openDeadLetter();
        assertThat(dead.kind()).isEqualTo("mapping");
        assertThat(dead.conversationId()).isEqualTo(THREAD);
        assertThat(dead.field()).isEqualTo("conversation[id=292].message[id=124].messages.senderType");
        assertThat(dead.reason()).contains("source 'smoobu'", "account 'smoobu-1'", "'2'");
        assertThat(pms.store().jdbc().list("select payload from dead_letter where id = ?", rs -> rs.getString(1), dead.id()))
                .singleElement().asString().contains("the key box code is 1234");
        assertThat(events(ACCOUNT)).isEmpty();

        // polls go on reading it (its marker was not saved) and count it once more instead of adding dead letters
        poll(ACCOUNT);
        assertThat(openDeadLetter().occurrences()).isEqualTo(2);
        assertThat(events(ACCOUNT)).isEmpty();
        // the API shows it as an operator sees it in dlq list
        ApiClient api = new ApiClient(apiPort);
        JsonNode listed = api.get("/v2/dead-letters?accountId=" + ACCOUNT, TestRuntime.TOKEN).json().get("data");
        assertThat(listed).singleElement().satisfies(d -> {
            assertThat(d.get("kind").asText()).isEqualTo("mapping");
            assertThat(d.get("conversationId").asText()).isEqualTo(THREAD);
            assertThat(d.get("field").asText()).endsWith("message[id=124].messages.senderType");
            assertThat(d.get("occurrences").asInt()).isEqualTo(2);
        });

        // the fix: the file as shipped; the account's next poll (its schedule) picks it up
        write(original, 10);
        poll(ACCOUNT);
        List<JsonNode> events = events(ACCOUNT);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.get("type").asText()).isEqualTo("conversation.created");
            assertThat(e.at("/data/id").asText()).isEqualTo(THREAD);
            assertThat(e.get("newMessageIds")).extracting(JsonNode::asText).containsExactly("125", "124", "123"); // newest first, as the model orders messages
            assertThat(e.at("/data/messages").findValuesAsText("senderType")).contains("Owner");
        });
        assertThat(pms.store().readFailures().open(Set.of(ACCOUNT))).as("resolved").isEmpty();
        assertThat(pms.store().readFailures().find(dead.id()).orElseThrow().status()).isEqualTo("RESOLVED");
        // the re-read asked for by the changed file, and every later poll, deliver nothing more
        poll(ACCOUNT);
        poll(ACCOUNT);
        assertThat(events(ACCOUNT)).hasSize(1);
    }

    @Test
    void replayAndResyncWorkOnTheRunningNode() throws IOException {
        awaitFirstPolls();
        ReadFailures.Failure dead = openDeadLetter();
        ApiClient api = new ApiClient(apiPort);
        // replayed while the file is still broken: read again, fails again, open again with one more occurrence
        ApiClient.Answer replay = api.post("/v2/dead-letters/replay", TestRuntime.TOKEN, "{\"kind\":\"read\"}", Map.of());
        assertThat(replay.json().at("/data/threads").asInt()).as(replay.text()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> pms.store().readFailures().find(dead.id()).orElseThrow().occurrences() == 2);
        assertThat(pms.store().readFailures().find(dead.id()).orElseThrow().status()).isEqualTo("OPEN");
        assertThat(events(ACCOUNT)).isEmpty();

        // fixed, then replayed: the sweep reads the thread (a webhook-style read) and delivers it once, no poll needed
        write(original, 10);
        pms.sources().get("smoobu"); // what the account's next use does in dev mode: the file is reloaded
        api.post("/v2/dead-letters/replay", TestRuntime.TOKEN, "{\"kind\":\"read\",\"id\":" + dead.id() + "}", Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> events(ACCOUNT).size() == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESOLVED".equals(pms.store().readFailures().find(dead.id()).orElseThrow().status()));

        // resync through the API on the running node: every conversation is read again, only differences delivered
        ApiClient.Answer resync = api.post("/v2/accounts/" + ACCOUNT + "/resync", TestRuntime.TOKEN, "", Map.of());
        assertThat(resync.status()).as(resync.text()).isEqualTo(202);
        assertThat(resync.json().at("/data/conversations").asInt()).isEqualTo(1);
        assertThat(pms.store().conversation(ACCOUNT, THREAD).orElseThrow().marker()).isNull();
        sim.clearRequests();
        poll(ACCOUNT);
        assertThat(sim.requests("smoobu", ACCOUNT)).as("the thread was read again").isNotEmpty();
        assertThat(pms.store().conversation(ACCOUNT, THREAD).orElseThrow().marker()).isNotNull();
        assertThat(events(ACCOUNT)).hasSize(1);
    }
}
