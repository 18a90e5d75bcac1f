package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.testing.Fixtures;
import dev.pmsconversations.testing.Schemas;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The commands as users run them: output, error messages and exit codes. */
class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = PmsConversations.execute(args);
            // the fuzz classes' Jazzer agent, once loaded in this JVM, reports each class it instruments on stderr:
            // the test harness talking, not the command
            String said = e.toString(StandardCharsets.UTF_8).replaceAll("(?m)^INFO: Instrumented .*\\R", "");
            return new Result(code, o.toString(StandardCharsets.UTF_8), said);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static java.util.List<Fixtures.Fixture> fixtures() {
        return Fixtures.all();
    }

    @ParameterizedTest(name = "map {0}")
    @MethodSource("fixtures")
    void mapReproducesEveryFixtureAndTheOutputValidates(Fixtures.Fixture f) throws Exception {
        Result r = run("map", "--source", f.source(), f.nativeFile().toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode printed = Json.MAPPER.readTree(r.out());
        assertThat(printed).isEqualTo(f.expected());
        assertThat(Schemas.conversationProblems(printed)).isEmpty();
    }

    @Test
    void mapRejectsBadInputWithExitCode2() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"conversation\": {\"id\": 1,");
        Result r = run("map", "--source", "hostaway", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not valid JSON");

        // an unknown value is tolerated (docs/mappings.md#tolerance): mapped, and reported on stderr
        Files.writeString(bad, "{\"conversation\": {\"id\": 1, \"reservationId\": 2}, \"messages\": [{\"id\": 5, \"insertedOn\": \"2025-01-01 10:00:00\", \"isIncoming\": 3}]}");
        r = run("map", "--source", "hostaway", bad.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("messages.senderType", "'3'");
        // only the conversation's identity rejects it
        Files.writeString(bad, "{\"conversation\": {\"reservationId\": 2}, \"messages\": []}");
        r = run("map", "--source", "hostaway", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("source 'hostaway'", "id");

        r = run("map", "--source", "nosuchpms", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no mapping file for source 'nosuchpms'");

        r = run("map", "--source", "hostaway", dir.resolve("missing.json").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read");
    }

    @Test
    void validateAcceptsAGoodConfigAndNamesProblemsInABadOne() throws Exception {
        Path good = dir.resolve("good.yaml");
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "s3cr3t\n");
        Files.writeString(good, """
                sinks:
                  - { name: files, type: file, directory: ./out }
                accounts:
                  - id: a1
                    source: hostaway
                    credentials:
                      clientId: { value: "123" }
                      clientSecret: { file: secret.txt }
                """);
        Result ok = run("validate", "--config", good.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("OK", "1 accounts");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                sinks:
                  - { name: files, type: ftp, directory: ./out }
                """);
        Result r = run("validate", "--config", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":2:", "sinks.0.type", "unknown sink type 'ftp'");

        Files.writeString(bad, """
                accounts:
                  - id: a1
                    source: hostaway
                    credentials:
                      clientId: { value: "123" }
                """);
        r = run("validate", "--config", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("account 'a1'", "missing credential 'clientSecret'");

        Files.writeString(bad, """
                accounts:
                  - id: a1
                    source: hostaway
                    credentials:
                      clientId: { env: PMS_TEST_SURELY_UNSET_VARIABLE }
                """);
        r = run("validate", "--config", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":5:", "environment variable 'PMS_TEST_SURELY_UNSET_VARIABLE' is not set");
    }

    @Test
    void anUplistingAccountIsRefusedWithWhatUplistingOffersInsteadOfSyncingNothing() throws Exception {
        Path config = dir.resolve("uplisting.yaml");
        Files.writeString(config, """
                sinks:
                  - { name: files, type: file, directory: ./out }
                accounts:
                  - id: villa-uplisting
                    source: uplisting
                    credentials:
                      apiKey: { value: "k" }
                """);
        Result r = run("validate", "--config", config.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("account 'villa-uplisting'", "Uplisting cannot be synced for conversations",
                "no messaging", "bookings", "booking webhooks");
        // and the runtime refuses to start with the same explanation, before anything runs
        var rc = new dev.pmsconversations.config.ConfigLoader().load(config);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.pmsconversations.runtime.PmsConfiguration(rc))
                .hasMessageContaining("Uplisting cannot be synced for conversations").hasMessageContaining("no messaging");
    }

    @Test
    void validateListsEveryProblemOfTheFileInLineOrderEachWithItsLine() throws Exception {
        Path bad = dir.resolve("many.yaml");
        Files.writeString(bad, """
                runtime:
                  devMode: false
                  colour: blue
                sinks:
                  - { name: files, type: file, directory: ./out }
                  - { name: ftp, type: ftp, directory: ./out }
                accounts:
                  - id: a1
                    source: nosuchpms
                  - id: a2
                    source: hostaway
                    credentials:
                      clientId: { env: PMS_TEST_SURELY_UNSET_VARIABLE }
                """);
        Result r = run("validate", "--config", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).satisfiesExactly(
                l -> assertThat(l).startsWith("error: " + bad + ":3: key 'runtime.colour': unknown key"),
                l -> assertThat(l).startsWith("error: " + bad + ":6: key 'sinks.1.type': unknown sink type 'ftp'"),
                l -> assertThat(l).startsWith("error: " + bad + ":8: key 'accounts.0': account 'a1': unknown source 'nosuchpms'"),
                l -> assertThat(l).startsWith("error: " + bad + ":10: key 'accounts.1': account 'a2': missing credential 'clientSecret'"),
                l -> assertThat(l).isEqualTo("error: " + bad + ":13: key 'accounts.1.credentials.clientId.env': "
                        + "environment variable 'PMS_TEST_SURELY_UNSET_VARIABLE' is not set"));

        // run refuses to start with all of the file's own problems at once (the accounts' sources are checked after)
        Result started = run("run", "--config", bad.toString());
        assertThat(started.code()).isEqualTo(2);
        assertThat(started.err()).contains(bad + ":3: key 'runtime.colour'", bad + ":6: key 'sinks.1.type'",
                bad + ":13: key 'accounts.1.credentials.clientId.env'");
        assertThat(started.err().indexOf(":3: ")).isLessThan(started.err().indexOf(":6: "));
        assertThat(started.err().indexOf(":6: ")).isLessThan(started.err().indexOf(":13: "));
    }

    @Test
    void validateReportsABadMappingFileWithLineAndKey() throws Exception {
        Path mappings = Files.createDirectories(dir.resolve("mappings"));
        Files.writeString(mappings.resolve("hostaway.yaml"),
                Files.readString(Path.of("mappings/hostaway.yaml")).replace("type: offset", "type: scroll"));
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "runtime: { mappings: " + mappings + " }\n");
        Result r = run("validate", "--config", config.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("hostaway.yaml:", "api.list.pagination.type", "unknown pagination 'scroll'");
    }

    @Test
    void coverageExitsTwoNamingANewSourceThatHasNoFixtures() throws Exception {
        Path mappings = Files.createDirectories(dir.resolve("mappings"));
        try (var files = Files.list(Path.of("mappings"))) {
            for (Path f : files.toList()) {
                Files.copy(f, mappings.resolve(f.getFileName()));
            }
        }
        Files.writeString(mappings.resolve("newpms.yaml"), Files.readString(Path.of("mappings/hostaway.yaml"))
                .replaceFirst("(?m)^source: hostaway$", "source: newpms").replaceFirst("(?m)^name: Hostaway$", "name: NewPms"));
        Result r = run("coverage", "--mappings", mappings.toString(), "--fixtures", Fixtures.ROOT.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("gap: NewPms (newpms.yaml): no fixtures in " + Fixtures.ROOT.resolve("newpms"));
        assertThat(r.out()).contains("| NewPms |");

        Files.delete(mappings.resolve("newpms.yaml")); // the same directory without it: no gap
        Result clean = run("coverage", "--mappings", mappings.toString(), "--fixtures", Fixtures.ROOT.toString());
        assertThat(clean.code()).as(clean.err()).isZero();
    }

    @Test
    void unknownFlagIsAUsageError() {
        Result r = run("map", "--source", "hostaway", "--sauce", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--sauce'");
    }

    /** Run while the store is open in this JVM, as a running node holds it: the H2 file store is shared (AUTO_SERVER). */
    @Test
    void dlqListsAndReplaysDeadLettersOfARunningNodesStore() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("state").toString().replace('\\', '/');
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "runtime:\n  store: { url: \"" + url + "\" }\nsinks:\n  - { name: crm, type: uri, uri: \"log:x\" }\n"
                + "accounts:\n  - { id: acct, source: hostaway, credentials: { clientId: { env: PMS_TEST_UNSET_4711 }, "
                + "clientSecret: { env: PMS_TEST_UNSET_4712 } } }\n"); // credentials dlq does not need
        try (dev.pmsconversations.store.StateStore node = new dev.pmsconversations.store.StateStore(
                new dev.pmsconversations.config.RuntimeConfig.StoreConfig(url, null, null, null))) {
            var deliveries = new dev.pmsconversations.delivery.DeliveryStore(node.jdbc());
            deliveries.enqueue("crm", "evt_1", "acct", "hostaway", "c1", "conversation.created", "{}", java.time.Instant.now());
            long id = deliveries.rowsOfEvent("evt_1").get(0).id();
            deliveries.dead(id, "HTTP 400: bad payload", java.time.Instant.now());
            node.readFailures().record("hostaway", "acct", "mapping", "c2", "messages.senderType", "unknown value '7'", "{}");

            Result listed = run("dlq", "list", "-c", config.toString());
            assertThat(listed.code()).as(listed.err()).isEqualTo(1);
            assertThat(listed.out()).contains("evt_1", "crm", "acct", "HTTP 400: bad payload", "mapping", "c2", "unknown value '7'",
                    "1 event(s), 1 thread(s) or page(s)");
            Result replayed = run("dlq", "replay", "-c", config.toString());
            assertThat(replayed.code()).as(replayed.err()).isZero();
            assertThat(replayed.out()).contains("1 event(s) queued again, 1 thread(s) to be read again by the running nodes");
            assertThat(deliveries.row(id).orElseThrow().status()).isEqualTo("PENDING");
            assertThat(node.readFailures().open(null)).singleElement().satisfies(f -> assertThat(f.status()).isEqualTo("RETRY"));
            Result sinkOnly = run("dlq", "list", "--sink", "crm", "-c", config.toString());
            assertThat(sinkOnly.code()).isZero();
            assertThat(sinkOnly.out()).contains("0 event(s), 0 thread(s) or page(s)");
        }
        Result missing = run("dlq", "list", "-c", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml: configuration file not found");
    }

    @Test
    void resyncClearsTheAccountsMarkersAndCursorAndRefusesAnUnknownAccount() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("resync").toString().replace('\\', '/');
        Path config = dir.resolve("resync.yaml");
        Files.writeString(config, "runtime:\n  store: { url: \"" + url + "\" }\nsinks:\n  - { name: files, type: file, directory: out }\n"
                // the operator's shell lacks the runtime's credentials: resync does not need them
                + "accounts:\n  - { id: g1, source: guesty, credentials: { clientId: { value: a }, clientSecret: { env: PMS_TEST_UNSET_4711 } } }\n");
        assertThat(System.getenv("PMS_TEST_UNSET_4711")).isNull();
        var storeConfig = new dev.pmsconversations.config.RuntimeConfig.StoreConfig(url, null, null, null);
        // held open as a running node holds it: resync works on the running node's store
        var node = new dev.pmsconversations.store.StateStore(storeConfig);
        node.saveConversation("g1", "guesty", "c1", "m1", "h1", "{}", "r1", "p1", null);
        node.saveCursor("g1", "2026-11-20T10:00:00Z");
        Result since = run("resync", "--account", "g1", "--since", "2026-11-01T00:00:00Z", "-c", config.toString());
        assertThat(since.code()).as(since.err()).isZero();
        assertThat(since.out()).contains("resync of g1 (guesty): 1 known conversations will be read again", "activity since 2026-11-01T00:00:00Z");
        try (var store = new dev.pmsconversations.store.StateStore(storeConfig)) {
            assertThat(store.conversation("g1", "c1").orElseThrow().marker()).isNull();
            assertThat(store.conversation("g1", "c1").orElseThrow().contentHash()).isEqualTo("h1"); // what was delivered is still known
            assertThat(store.cursor("g1")).contains("2026-11-01T00:00:00Z");
        }
        Result all = run("resync", "--account", "g1", "-c", config.toString());
        assertThat(all.code()).isZero();
        try (var store = new dev.pmsconversations.store.StateStore(storeConfig)) {
            assertThat(store.cursor("g1")).isEmpty();
        }
        Result unknown = run("resync", "--account", "nobody", "-c", config.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("no account 'nobody'", "[g1]");
        Result badTime = run("resync", "--account", "g1", "--since", "yesterday", "-c", config.toString());
        assertThat(badTime.code()).isEqualTo(2);
        assertThat(badTime.err()).contains("--since 'yesterday' is not an ISO-8601 time");
        assertThat(run("resync", "-c", config.toString()).code()).isEqualTo(2); // --account is required
        node.close();
    }

    /** A send's lease shorter than a send call could hand a send still under way to another node: refused, with the keys. */
    @Test
    void aSendLeaseShorterThanASendCallIsAConfigurationError() throws Exception {
        Path config = dir.resolve("lease.yaml");
        Files.writeString(config, "runtime:\n  store: { url: \"jdbc:h2:mem:lease\" }\n  pmsHttp: { connectTimeoutMillis: 2000, responseTimeoutMillis: 9000 }\n"
                + "outbox: { leaseSeconds: 10 }\nsinks:\n  - { name: files, type: file, directory: out }\n");
        Result r = run("validate", "-c", config.toString(), "--mappings", "mappings");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("lease.yaml:4: key 'outbox.leaseSeconds': the send lease (10 s) must be longer than a send call may take",
                "(11000 ms)", "twice");
        Files.writeString(config, "runtime:\n  store: { url: \"jdbc:h2:mem:lease\" }\n  pmsHttp: { connectTimeoutMillis: 2000, responseTimeoutMillis: 7000 }\n"
                + "outbox: { leaseSeconds: 10 }\nsinks:\n  - { name: files, type: file, directory: out }\n");
        Result ok = run("validate", "-c", config.toString(), "--mappings", "mappings");
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} --help")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"run", "demo", "validate", "map", "coverage", "simulate", "resync", "dlq", "plugins", "store"})
    void everyCommandExplainsItself(String command) {
        Result r = run(command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Usage: pms-conversations " + command);
    }

    @Test
    void coverageWritesTheMatrixAndRefusesAMissingMappingsDirectory() throws Exception {
        Path out = dir.resolve("coverage.md");
        Result ok = run("coverage", "--out", out.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo(Files.readString(Path.of("docs/coverage.md")));
        Result bad = run("coverage", "--mappings", dir.resolve("nope").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("nope");
    }

    @Test
    void runAndDemoRefuseAMissingOrBrokenConfiguration() throws Exception {
        Result missing = run("run", "-c", dir.resolve("missing.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("missing.yaml");
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "runtime:\n  store: { url: \"jdbc:h2:mem:x\" }\nsinks: []\naccounts:\n  - { id: a, source: hostaway, colour: red }\n");
        Result run = run("run", "-c", broken.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("broken.yaml:5", "colour");
        Result demo = run("demo", "-c", broken.toString());
        assertThat(demo.code()).isEqualTo(2);
        assertThat(demo.err()).contains("broken.yaml:5", "colour");
    }

    /** The simulator as a user starts it: its own JVM, listening until stopped. */
    @Test
    void simulateServesTheSimulatedPmsUntilStopped() throws Exception {
        int port = dev.pmsconversations.testing.TestRuntime.freePort();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), PmsConversations.class.getName(), "simulate", "--port", Integer.toString(port),
                "--threads", "2", "--messages", "2").redirectErrorStream(true).start();
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            java.util.List<String> lines = new java.util.ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null && !line.startsWith("Simulator listening")) {
                lines.add(line);
            }
            assertThat(line).as(String.join("\n", lines)).isEqualTo("Simulator listening on http://127.0.0.1:" + port + " (Ctrl-C to stop)");
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("hostaway account sim-hostaway-1 at http://127.0.0.1:" + port));
            var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            var answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/smoobu/api/reservations"))
                    .timeout(java.time.Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(401); // a real PMS answer: no API key, no data
        } finally {
            p.destroy();
            assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    /** The README's first command, end to end: one simulated account per source, synced, then a webhook and a reply each. */
    @Test
    void demoSyncsEverySourceAndEndsWithASummaryPerSource() throws Exception {
        Path config = dir.resolve("demo.yaml");
        Files.writeString(config, Files.readString(Path.of("config/demo.yaml"))
                .replace("directory: ./out", "directory: \"" + dir.resolve("out").toString().replace('\\', '/') + "\""));
        Result r = run("demo", "-c", config.toString(), "--threads", "2", "--messages", "2");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        java.util.List<String> sources = dev.pmsconversations.coverage.CoverageMatrix.SOURCES;
        for (String source : sources) {
            if (source.equals("uplisting")) {
                assertThat(r.out()).containsPattern("uplisting +not synced: Uplisting's public API has no messaging");
            } else {
                assertThat(r.out()).containsPattern("demo-" + source + " +" + source + " +1 +[1-9]\\d* +[1-9]\\d* +0 ");
                assertThat(r.out()).containsPattern("demo-" + source + " +delivered +SENT +\\S+");
            }
        }
        assertThat(Files.list(dir.resolve("out").resolve("events"))).hasSize(sources.size() - 1);
    }
}
