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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every log line names only the account it is about, under concurrency: the demo (15 accounts polling at once, then a
 * webhook and a reply each, sends and syncs on pooled threads) with JSON logs, each line parsed. A line whose text
 * names {@code [source/account]} carries that account and source in its MDC, and no line that carries an account
 * names another one. Before the fix, a send logged under the account whose thread had synced before
 * ({@code [demo-guesty] [hostfully/demo-hostfully] message … sent}).
 */
class LogContextTest {
    private static final Pattern SUBJECT = Pattern.compile("\\[([a-z0-9]+)/([\\w.-]+)]");
    private static final Pattern DEMO_ACCOUNT = Pattern.compile("\\bdemo-[a-z0-9]+\\b");

    @TempDir
    Path dir;

    @Test
    void everyLineNamesOnlyTheAccountItIsAbout() throws Exception {
        Path config = dir.resolve("demo.yaml");
        Files.writeString(config, Files.readString(Path.of("config/demo.yaml"))
                .replace("directory: ./out", "directory: \"" + dir.resolve("out").toString().replace('\\', '/') + "\""));
        List<JsonNode> lines = new ArrayList<>();
        try (CliProcess demo = CliProcess.start(dir, "demo", Map.of("PMS_LOG_FORMAT", "json"),
                "demo", "-c", config.toString(), "--threads", "3", "--messages", "2")) {
            assertThat(demo.exitCode(Duration.ofSeconds(240))).as(demo.output()).isEqualTo(0);
            for (String l : demo.stdout()) {
                if (l.startsWith("{")) { // the demo's summary table is plain text; every log line is JSON
                    lines.add(Json.MAPPER.readTree(l));
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        TreeSet<String> sentFor = new TreeSet<>();
        int checked = 0;
        for (JsonNode line : lines) {
            String message = line.path("message").asText();
            String account = line.at("/contextMap/pmsAccountId").asText(null);
            String source = line.at("/contextMap/pmsSource").asText(null);
            Matcher subject = SUBJECT.matcher(message);
            if (subject.find()) {
                checked++;
                if (!subject.group(2).equals(account) || !subject.group(1).equals(source)) {
                    wrong.add("MDC " + source + "/" + account + ": " + message);
                } else if (message.contains(" sent (PMS id ")) {
                    sentFor.add(account);
                }
            }
            if (account != null) {
                Matcher named = DEMO_ACCOUNT.matcher(message);
                while (named.find()) {
                    if (!named.group().equals(account)) {
                        wrong.add("MDC " + account + " names " + named.group() + ": " + message);
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        // the check above saw the sends of every account with messaging, each under its own account
        assertThat(sentFor).hasSize(15).allMatch(a -> a.startsWith("demo-"));
        assertThat(checked).isGreaterThanOrEqualTo(15);
    }
}
