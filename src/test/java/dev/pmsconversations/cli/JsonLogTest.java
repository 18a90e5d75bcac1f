package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PMS_LOG_FORMAT=json}: the runtime, started as a user starts it (its own JVM), writes one JSON object per line
 * with the account in the MDC, and the credential it was given appears in no line.
 */
class JsonLogTest {
    @TempDir
    Path dir;

    @Test
    void jsonLinesCarryTheAccountAndNoSecret() throws Exception {
        Path config = dir.resolve("config.yaml");
        // a PMS that is not there: the poll fails, and says so in the log
        Files.writeString(config, "runtime:\n  store: { url: \"jdbc:h2:mem:jsonlog\" }\n"
                + "sinks:\n  - { name: files, type: file, directory: \"" + dir.resolve("out").toString().replace('\\', '/') + "\" }\n"
                + "accounts:\n  - id: json-smoobu\n    source: smoobu\n    baseUrl: \"http://127.0.0.1:9/api\"\n    schedule: { every: 1h }\n"
                + "    credentials: { apiKey: { value: recognisable-secret-4711 } }\n");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PmsConversations.class.getName(), "run", "-c", config.toString())
                .redirectErrorStream(true);
        pb.environment().put("PMS_LOG_FORMAT", "json");
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        JsonNode failure = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String line;
            while (failure == null && System.nanoTime() < deadline && (line = r.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("{")) {
                    JsonNode event = Json.MAPPER.readTree(line);
                    if (event.path("message").asText().startsWith("Poll failed")) {
                        failure = event;
                    }
                }
            }
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
        assertThat(failure).as(String.join("\n", lines)).isNotNull();
        assertThat(failure.path("level").asText()).isEqualTo("ERROR");
        assertThat(failure.at("/contextMap/pmsAccountId").asText()).isEqualTo("json-smoobu");
        assertThat(failure.at("/contextMap/pmsSource").asText()).isEqualTo("smoobu");
        assertThat(failure.path("message").asText()).contains("source 'smoobu', account 'json-smoobu'");
        assertThat(lines.stream().filter(l -> l.startsWith("{")).toList()).allSatisfy(l -> Json.MAPPER.readTree(l));
        assertThat(String.join("\n", lines)).doesNotContain("recognisable-secret-4711");
    }
}
