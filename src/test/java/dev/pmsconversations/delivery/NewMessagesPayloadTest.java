package dev.pmsconversations.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.Schemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink with {@code payload: newMessages} (docs/sinks.md): the same events as the snapshot sink, each with the
 * envelope and conversation fields, but only the messages of {@code newMessageIds}; both valid by
 * docs/schema/event.schema.json.
 */
class NewMessagesPayloadTest extends RuntimeTestSupport {
    @TempDir
    static Path freshDir;

    @Override
    protected String extraSinks() {
        return "  - { name: fresh, type: file, directory: \"" + freshDir.toString().replace('\\', '/') + "\", payload: newMessages }\n";
    }

    @Test
    void theNewMessagesPayloadHoldsOnlyTheNewMessagesAndMatchesTheEventSchema() throws IOException {
        awaitFirstPolls();
        for (String source : SOURCES) {
            sim.addMessage(source, source + "-1", fixtureThread(source), "Can we bring a dog?", true);
            poll(source + "-1");
        }
        int updated = 0;
        for (String source : SOURCES) {
            String account = source + "-1";
            Map<String, JsonNode> snapshots = new HashMap<>();
            events(account).forEach(e -> snapshots.put(e.get("id").asText(), e));
            List<JsonNode> fresh = freshEvents(account);
            assertThat(fresh).as(account).hasSameSizeAs(snapshots.values());
            for (JsonNode event : fresh) {
                JsonNode snapshot = snapshots.get(event.get("id").asText());
                assertThat(snapshot).as(account + ": the same event in the snapshot sink").isNotNull();
                assertThat(Schemas.eventProblems(event)).as(account + " newMessages payload").isEmpty();
                assertThat(Schemas.eventProblems(snapshot)).as(account + " snapshot payload").isEmpty();
                assertThat(ids(event.get("data").get("messages"))).as(account).isEqualTo(texts(event.get("newMessageIds")));
                // everything else is the snapshot's: the envelope and the conversation fields
                assertThat(withoutMessages(event)).as(account).isEqualTo(withoutMessages(snapshot));
                assertThat(ids(snapshot.get("data").get("messages"))).containsAll(texts(event.get("newMessageIds")));
                if (event.get("type").asText().equals("conversation.updated")) {
                    updated++;
                    assertThat(event.get("data").get("messages")).hasSize(1);
                    assertThat(event.get("data").get("messages").get(0).get("body").asText()).isEqualTo("Can we bring a dog?");
                    assertThat(snapshot.get("data").get("messages").size()).isGreaterThan(1);
                }
            }
        }
        assertThat(updated).as("one update per account").isEqualTo(SOURCES.size());
    }

    private List<JsonNode> freshEvents(String accountId) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(freshDir.resolve("events").resolve(accountId + ".ndjson"))) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    private static JsonNode withoutMessages(JsonNode event) {
        ObjectNode copy = event.deepCopy();
        ((ObjectNode) copy.get("data")).remove("messages");
        return copy;
    }

    private static List<String> ids(JsonNode messages) {
        return StreamSupport.stream(messages.spliterator(), false).map(m -> m.get("id").asText()).toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
