package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PMS_LOG_FORMAT=json}: the runtime, started as a user starts it (its own JVM), writes one JSON object per line
 * on stdout, from the start-up banner through the first-sync progress to the stop line; every line names the node,
 * the account is in the MDC, and the credential it was given appears in no line.
 */
class JsonLogTest {
    @TempDir
    Path dir;

    @Test
    void everyStdoutLineIsJsonWithTheNodeTheAccountAndNoSecret() throws Exception {
        Path config = dir.resolve("config.yaml");
        // a PMS that is not there: the poll fails, and says so in the log
        Files.writeString(config, "runtime:\n  store: { url: \"jdbc:h2:mem:jsonlog\" }\n  cluster: { nodeId: json-node-1 }\n"
                + "sinks:\n  - { name: files, type: file, directory: \"" + dir.resolve("out").toString().replace('\\', '/') + "\" }\n"
                + "accounts:\n  - id: json-smoobu\n    source: smoobu\n    baseUrl: \"http://127.0.0.1:9/api\"\n    schedule: { every: 1h }\n"
                + "    credentials: { apiKey: { value: recognisable-secret-4711 } }\n");
        List<JsonNode> events = new ArrayList<>();
        try (CliProcess run = CliProcess.start(dir, "json", Map.of("PMS_LOG_FORMAT", "json"), "run", "-c", config.toString())) {
            Awaitility.await("the first sync's progress").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> run.stdout().stream().anyMatch(l -> l.contains("first sync 1/1")) || !run.alive());
            run.sigterm();
            assertThat(run.exitCode(Duration.ofSeconds(20))).as(run.output()).isEqualTo(0);
            assertThat(run.stdout()).as(run.output()).isNotEmpty().allSatisfy(l -> events.add(Json.MAPPER.readTree(l)));
            assertThat(events).as(run.output()).allMatch(e -> e.path("node").asText().equals("json-node-1"));
            assertThat(run.output()).doesNotContain("recognisable-secret-4711");
        }
        assertThat(messages(events, "pms.lifecycle")).hasSize(3).satisfiesExactly(
                banner -> assertThat(banner).startsWith("pms-conversations 0.1.0 starting: config " + config + ", node json-node-1, store jdbc:h2:mem:jsonlog"),
                ready -> assertThat(ready).matches("ready in \\d+\\.\\d s: API off, management off"),
                stopped -> assertThat(stopped).matches("stopped on SIGTERM after \\d+\\.\\d s, exit code 0"));
        assertThat(messages(events, "pms.progress")).contains("first sync 1/1: json-smoobu FAILED");
        JsonNode failure = events.stream().filter(e -> e.path("message").asText().startsWith("Poll failed")).findFirst().orElseThrow();
        assertThat(failure.path("level").asText()).isEqualTo("ERROR");
        assertThat(failure.at("/contextMap/pmsAccountId").asText()).isEqualTo("json-smoobu");
        assertThat(failure.at("/contextMap/pmsSource").asText()).isEqualTo("smoobu");
        assertThat(failure.path("message").asText()).contains("source 'smoobu', account 'json-smoobu'");
    }

    private static List<String> messages(List<JsonNode> events, String logger) {
        return events.stream().filter(e -> e.path("loggerName").asText().equals(logger)).map(e -> e.path("message").asText()).toList();
    }
}
