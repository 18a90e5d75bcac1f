package dev.pmsconversations.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file sink with eventLogMaxBytes: the log is cut into files near the size, and together they hold every event once. */
class EventLogRotationTest extends RuntimeTestSupport {
    private static final long MAX_BYTES = 8_000;

    @TempDir
    static Path rotatedDir;

    @Override
    protected String extraSinks() {
        return "  - { name: rotated, type: file, directory: \"" + rotatedDir.toString().replace('\\', '/')
                + "\", eventLogMaxBytes: " + MAX_BYTES + " }\n";
    }

    @Test
    void theEventLogIsRotatedBySizeAndNothingIsLostOrDoubled() throws IOException {
        awaitFirstPolls();
        String account = "hostaway-1";
        for (int i = 0; i < 6; i++) {
            sim.addMessage("hostaway", account, fixtureThread("hostaway"), "question number " + i, true);
            poll(account);
        }
        List<String> expected = events(account).stream().map(e -> e.get("id").asText()).toList();
        assertThat(expected).hasSize(7);

        List<Path> logs;
        try (Stream<Path> files = Files.list(rotatedDir.resolve("events"))) {
            logs = files.filter(p -> p.getFileName().toString().startsWith(account + ".")).sorted().toList();
        }
        assertThat(logs).as("the live log and rotated ones").hasSizeGreaterThan(1).contains(rotatedDir.resolve("events/" + account + ".ndjson"));
        List<String> ids = new ArrayList<>();
        for (Path log : logs) {
            List<String> lines = Files.readAllLines(log);
            // a file is cut at the first line that finds it at the limit: it holds at most one line beyond it
            long withoutLast = lines.subList(0, lines.size() - 1).stream().mapToLong(l -> l.length() + 1).sum();
            assertThat(withoutLast).as(log.toString()).isLessThan(MAX_BYTES);
            for (String line : lines) {
                JsonNode event = Json.MAPPER.readTree(line);
                ids.add(event.get("id").asText());
            }
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(expected).doesNotHaveDuplicates();
    }
}
