package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.simulator.SimAccount;
import dev.pmsconversations.testing.CliProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How {@code run} starts and stops, as a user runs it (its own JVM): the start-up banner without a secret, the ready
 * line with the real ports, SIGTERM (exit 0 and a stop line), a taken port (exit 2, one line naming the server), and
 * what a second start on the same store reports. Expected texts are the ones docs/operations.md documents.
 */
class StartStopTest {
    /** Start-up of a runtime JVM on a busy two-core machine. */
    private static final Duration START = Duration.ofSeconds(120);
    /** docs/operations.md: a stop takes under 10 s; the margin is for a machine busy with other builds. */
    private static final Duration STOP = Duration.ofSeconds(20);
    private static final String API_TOKEN = "api-token-0123456789-4711";
    private static final String STORE_PASSWORD = "store-pass-4711";
    private static final String CREDENTIAL = "credential-4711";

    @TempDir
    Path dir;

    @Test
    void theBannerNamesTheRuntimeWithoutSecretsAndSigtermStopsItWithExitCode0() throws Exception {
        // the store's password both in the URL and as the configured password; API port 0: the system picks it
        int management = freePort();
        Path config = write("banner.yaml", "runtime:\n"
                + "  store: { url: \"" + h2("banner") + ";USER=sa;PASSWORD=" + STORE_PASSWORD + "\", user: sa, password: { value: " + STORE_PASSWORD + " } }\n"
                + "  cluster: { nodeId: banner-node }\n"
                + "api: { host: 127.0.0.1, port: 0, tokens: [ { name: ops, token: { value: " + API_TOKEN + " } } ] }\n"
                + "management: { host: 127.0.0.1, port: " + management + " }\n"
                + sinks() + deadAccount());
        try (CliProcess run = CliProcess.start(dir, "banner", Map.of(), "run", "-c", config.toString())) {
            Awaitility.await("ready").atMost(START).pollInterval(Duration.ofMillis(200))
                    .until(() -> run.stdout().stream().anyMatch(l -> l.contains(" ready in ")) || !run.alive());
            assertThat(run.stdout()).as(run.output()).anyMatch(l -> l.endsWith("[lifecycle] pms-conversations 0.1.0 starting: config "
                    + config + ", node banner-node, store " + h2("banner") + ", API 127.0.0.1:0, management 127.0.0.1:" + management + ", "
                    + "1 account [dead-smoobu], 1 sink [files]"));
            String ready = run.stdout().stream().filter(l -> l.contains(" ready in ")).findFirst().orElseThrow();
            Matcher ports = Pattern.compile("API http://127\\.0\\.0\\.1:(\\d+), management http://127\\.0\\.0\\.1:(\\d+)$").matcher(ready);
            assertThat(ports.find()).as(ready).isTrue();
            assertThat(ports.group(1)).isNotEqualTo("0");
            assertThat(ports.group(2)).isEqualTo(Integer.toString(management));
            // the addresses are the real ones: the API answers with its token, the management server its health
            assertThat(get("http://127.0.0.1:" + ports.group(1) + "/v2/status", API_TOKEN)).isEqualTo(200);
            assertThat(get("http://127.0.0.1:" + ports.group(2) + "/observe/health/live", null)).isEqualTo(200);

            run.sigterm();
            assertThat(run.exitCode(STOP)).as(run.output()).isEqualTo(0);
            assertThat(run.stdout().get(run.stdout().size() - 1))
                    .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  banner-node \\[lifecycle\\] stopped on SIGTERM after \\d+\\.\\d s, exit code 0");
            // every log line names the node
            assertThat(run.stdout()).filteredOn(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")).allMatch(l -> l.contains(" banner-node ["));
            assertThat(run.output()).doesNotContain(STORE_PASSWORD, CREDENTIAL, API_TOKEN);
        }
    }

    @ParameterizedTest(name = "{0} port taken")
    @ValueSource(strings = {"API", "management"})
    void aTakenPortStopsTheStartWithExitCode2AndOneLineNamingTheServer(String server) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Path config = write("taken.yaml", "runtime:\n  store: { url: \"jdbc:h2:mem:taken\" }\n"
                    + "api: { host: 127.0.0.1, port: " + (server.equals("API") ? port : 0) + ", tokens: [ { name: ops, token: { value: " + API_TOKEN + " } } ] }\n"
                    + "management: { host: 127.0.0.1, port: " + (server.equals("management") ? port : freePort()) + " }\n"
                    + sinks() + deadAccount());
            try (CliProcess run = CliProcess.start(dir, "taken-" + server, Map.of(), "run", "-c", config.toString())) {
                assertThat(run.exitCode(START)).as(run.output()).isEqualTo(2);
                assertThat(run.stderr()).as(run.output())
                        .contains("error: the " + server + " server cannot listen on 127.0.0.1:" + port + ": address already in use");
                assertThat(run.stdout()).anyMatch(l -> l.matches(".* \\[lifecycle\\] stopped after \\d+\\.\\d s, exit code 2"));
                // it stopped before the routes started: the account (its PMS is not there) was never polled
                assertThat(run.output()).doesNotContain("Poll failed", " ready in ");
            }
        }
    }

    @Test
    void aTakenSimulatorPortStopsSimulateWithExitCode2AndOneLineNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            CliTest.Result r = CliTest.run("simulate", "--port", Integer.toString(port));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("error: the simulator cannot listen on 127.0.0.1:" + port + ": address already in use\n");
        }
    }

    @Test
    void validatePortsReportsEachTakenPort() throws Exception {
        try (ServerSocket api = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
             ServerSocket management = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            Path config = write("ports.yaml", "runtime:\n  store: { url: \"jdbc:h2:mem:ports\" }\n"
                    + "api: { host: 127.0.0.1, port: " + api.getLocalPort() + ", tokens: [ { name: ops, token: { value: " + API_TOKEN + " } } ] }\n"
                    + "management: { host: 127.0.0.1, port: " + management.getLocalPort() + " }\n" + sinks() + deadAccount());
            CliTest.Result taken = CliTest.run("validate", "--ports", "-c", config.toString());
            assertThat(taken.code()).isEqualTo(2);
            assertThat(taken.err().split("\n")).containsExactly(
                    "error: the API server cannot listen on 127.0.0.1:" + api.getLocalPort() + ": address already in use",
                    "error: the management server cannot listen on 127.0.0.1:" + management.getLocalPort() + ": address already in use");
            // without --ports the ports are not looked at
            assertThat(CliTest.run("validate", "-c", config.toString()).code()).isZero();
        }
        int freed = freePort();
        Path free = write("free.yaml", "runtime:\n  store: { url: \"jdbc:h2:mem:ports\" }\n"
                + "api: { host: 127.0.0.1, port: " + freed + ", tokens: [ { name: ops, token: { value: " + API_TOKEN + " } } ] }\n" + sinks() + deadAccount());
        CliTest.Result ok = CliTest.run("validate", "--ports", "-c", free.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @Test
    void aSecondStartOnTheSameStoreIsNoFirstSync() throws Exception {
        try (PmsSimulator sim = new PmsSimulator(0, 7)) {
            SimAccount account = sim.source("hostaway").seed("again-hostaway", 3, 2);
            StringBuilder yaml = new StringBuilder("runtime:\n  store: { url: \"" + h2("again") + "\" }\n")
                    .append(sinks()).append("accounts:\n  - id: again-hostaway\n    source: hostaway\n    baseUrl: \"")
                    .append(sim.baseUrl("hostaway")).append("\"\n    schedule: { every: 1h }\n    credentials:\n");
            account.credentials.forEach((k, v) -> yaml.append("      ").append(k).append(": { value: \"").append(v).append("\" }\n"));
            Path config = write("again.yaml", yaml.toString());

            try (CliProcess first = CliProcess.start(dir, "first", Map.of(), "run", "-c", config.toString())) {
                Awaitility.await("first sync").atMost(START).pollInterval(Duration.ofMillis(200))
                        .until(() -> first.stdout().contains("first sync 1/1: again-hostaway: 3 conversations, 6 messages") || !first.alive());
                first.sigterm();
                assertThat(first.exitCode(STOP)).as(first.output()).isEqualTo(0);
                assertThat(first.output()).doesNotContain("resumed");
            }
            try (CliProcess second = CliProcess.start(dir, "second", Map.of(), "run", "-c", config.toString())) {
                Awaitility.await("the second start's first poll").atMost(START).pollInterval(Duration.ofMillis(200))
                        .until(() -> second.stdout().stream().anyMatch(l -> l.contains("[hostaway/again-hostaway] poll done")) || !second.alive());
                second.sigterm();
                assertThat(second.exitCode(STOP)).as(second.output()).isEqualTo(0);
                assertThat(second.stdout()).as(second.output()).anyMatch(l -> l.contains("[hostaway/again-hostaway] poll done"))
                        .anyMatch(l -> l.endsWith("[lifecycle] resumed from the store: 1 account [again-hostaway]"))
                        .noneMatch(l -> l.contains("first sync"));
            }
        }
    }

    /** A port nothing listens on (the configuration takes no 0 for the management server). */
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort(); // free again once closed
        }
    }

    private Path write(String name, String yaml) throws Exception {
        Path config = dir.resolve(name);
        Files.writeString(config, yaml);
        return config;
    }

    private String h2(String name) {
        return "jdbc:h2:file:" + dir.resolve(name).toString().replace('\\', '/');
    }

    private String sinks() {
        return "sinks:\n  - { name: files, type: file, directory: \"" + dir.resolve("out").toString().replace('\\', '/') + "\" }\n";
    }

    /** An account whose PMS is not there (its polls fail and say so), with a credential that must never be printed. */
    private static String deadAccount() {
        return "accounts:\n  - id: dead-smoobu\n    source: smoobu\n    baseUrl: \"http://127.0.0.1:9/api\"\n    schedule: { every: 1h }\n"
                + "    credentials: { apiKey: { value: " + CREDENTIAL + " } }\n";
    }

    private static int get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
