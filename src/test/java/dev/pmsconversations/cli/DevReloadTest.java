package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.testing.CliProcess;
import dev.pmsconversations.testing.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --dev}, as a route author uses it: saving a route file (a bundled template, whose routes are each
 * account's poll) reloads it and polling goes on; saving a broken file keeps the previous routes running and says
 * why; fixing it reloads it; the user's own route file (runtime.extraRoutes) reloads too. The runtime never stops polling (before: "duplicate route id … ignored", no poll again).
 */
class DevReloadTest {
    @TempDir
    Path dir;

    @Test
    void savingRouteFilesNeverStopsPolling() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        try (PmsSimulator sim = new PmsSimulator(0, 7)) {
            sim.source("smoobu").seed("dev-smoobu", 2, 2);
            Path custom = Files.createDirectories(dir.resolve("custom"));
            Files.writeString(custom.resolve("mine.camel.yaml"), "- route:\n    id: mine\n    from:\n      uri: direct:mine\n"
                    + "      steps:\n        - log: \"first\"\n");
            Path config = TestConfig.onStore("jdbc:h2:mem:devreload").runtime("routes: \"" + slashes(routes) + "\"")
                    .runtime("extraRoutes: [\"" + slashes(custom) + "/*.camel.yaml\"]")
                    .fileSink("files", dir.resolve("out")).account("dev-smoobu", "smoobu", sim, "1s", Map.of())
                    .write(dir.resolve("config.yaml"));
            try (CliProcess run = CliProcess.start(dir, "dev", Map.of(), "run", "--dev", "-c", config.toString())) {
                awaitAnotherPoll(sim, run);

                Path template = routes.resolve("poll-conversations.camel.yaml");
                Files.writeString(template, "# saved in the editor\n", StandardOpenOption.APPEND);
                Awaitility.await("the reload").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> run.output().contains("Reloaded [file:") && run.output().contains("poll-conversations.camel.yaml]"));
                awaitAnotherPoll(sim, run);

                Path outbox = routes.resolve("outbox.camel.yaml");
                String good = Files.readString(outbox);
                Files.writeString(outbox, "- route:\n    id: outbox-sweep\n    from: [\n");
                Awaitility.await("the refusal").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> run.output().contains("outbox.camel.yaml was not reloaded, its previous routes keep running: "));
                awaitAnotherPoll(sim, run);

                Files.writeString(outbox, good + "\n# fixed\n");
                Awaitility.await("the fixed file reloaded").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> run.output().contains("outbox.camel.yaml]"));
                awaitAnotherPoll(sim, run);

                // the user's own route file (runtime.extraRoutes) reloads on save too
                Files.writeString(custom.resolve("mine.camel.yaml"), Files.readString(custom.resolve("mine.camel.yaml")).replace("first", "second"));
                Awaitility.await("the user's file reloaded").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> run.output().contains("custom/mine.camel.yaml]"));
                awaitAnotherPoll(sim, run);
                assertThat(run.output()).doesNotContain("duplicate", "Exception");
                run.sigterm();
                assertThat(run.exitCode(Duration.ofSeconds(20))).as(run.output()).isEqualTo(0);
            }
        }
    }

    /** A poll that starts after this call (the account polls every second). */
    private static void awaitAnotherPoll(PmsSimulator sim, CliProcess run) {
        int before = sim.requests("smoobu", "dev-smoobu").size();
        Awaitility.await("a poll after this point").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .failFast(() -> !run.alive())
                .until(() -> sim.requests("smoobu", "dev-smoobu").size() > before);
    }

    private static String slashes(Path p) {
        return p.toString().replace('\\', '/');
    }
}
