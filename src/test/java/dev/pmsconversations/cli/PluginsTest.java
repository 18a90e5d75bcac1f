package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.testing.CliProcess;
import dev.pmsconversations.testing.TestConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins, as an integration engineer adds them: {@code plugins add} resolves Camel's MQTT 5 and NATS components with
 * their libraries into a plugin directory (from the local Maven repository: the build fetched them; the test JVM's own
 * class path has neither), {@code plugins list} shows them, and the runtime, started as a user starts it, loads them
 * and delivers every event to Mosquitto and to NATS (both running on this machine), where a separate client of each
 * receives them. A component of another Camel version is refused.
 */
class PluginsTest {
    @TempDir
    Path dir;

    @Test
    void mqttAndNatsSinksFromPlugins() throws Exception {
        assertThat(getClass().getClassLoader().getResource("META-INF/services/org/apache/camel/component/nats"))
                .as("the test's class path has no NATS component (the plugin must bring it)").isNull();
        Path plugins = dir.resolve("plugins");
        for (String component : List.of("camel-paho-mqtt5", "camel-nats")) {
            CliTest.Result added = CliTest.run("plugins", "add", "org.apache.camel:" + component, "--dir", plugins.toString(),
                    "--repo", dir.resolve("no-remote").toUri().toString());
            assertThat(added.code()).as(added.err()).isZero();
            assertThat(added.out()).startsWith("added org.apache.camel:" + component + ":4.14.0 to " + plugins + ": ")
                    .contains(component + "-4.14.0.jar").contains("Restart the runtime to load them.");
        }
        CliTest.Result list = CliTest.run("plugins", "list", "--dir", plugins.toString());
        assertThat(list.out()).contains("camel-paho-mqtt5-4.14.0.jar  components: paho-mqtt5\n", "camel-nats-4.14.0.jar  components: nats\n");

        String topic = "pms/events/" + UUID.randomUUID();
        String subject = "pms.events." + UUID.randomUUID().toString().replace("-", "");
        try (PmsSimulator sim = new PmsSimulator(0, 7); NatsSubscriber nats = new NatsSubscriber(subject)) {
            sim.source("smoobu").seed("plugin-smoobu", 3, 2);
            Path config = TestConfig.onStore("jdbc:h2:mem:plugins").runtime("plugins: \"" + slashes(plugins) + "\"")
                    .fileSink("files", dir.resolve("out"))
                    .sink("{ name: mqtt, type: uri, uri: \"paho-mqtt5:" + topic + "?brokerUrl=tcp://127.0.0.1:1883&qos=1\" }")
                    .sink("{ name: nats, type: uri, uri: \"nats:" + subject + "?servers=127.0.0.1:4222\" }")
                    .account("plugin-smoobu", "smoobu", sim, null, Map.of())
                    .write(dir.resolve("config.yaml"));
            CliTest.Result valid = CliTest.run("validate", "-c", config.toString());
            assertThat(valid.code()).as(valid.err()).isZero();

            Process mqtt = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", "1883", "-q", "1", "-t", topic)
                    .redirectErrorStream(true).start();
            List<String> mqttLines = new CopyOnWriteArrayList<>();
            Thread reader = daemon(() -> readLines(mqtt, mqttLines));
            try (CliProcess run = CliProcess.start(dir, "plugins", Map.of(), "run", "-c", config.toString())) {
                // the subscriber is listening once a probe it did not publish comes back to it
                Awaitility.await("mosquitto_sub subscribed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", "1883", "-t", topic, "-m", "probe").start().waitFor();
                    return mqttLines.contains("probe");
                });
                Awaitility.await("every event in both brokers").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                        .failFast(() -> !run.alive())
                        .until(() -> !fileEventIds(dir.resolve("out")).isEmpty()
                                && ids(mqttLines).equals(fileEventIds(dir.resolve("out")))
                                && ids(nats.messages()).equals(fileEventIds(dir.resolve("out"))));
                assertThat(run.output()).contains("Plugins: ").contains("camel-nats-4.14.0.jar");
                run.sigterm();
                assertThat(run.exitCode(Duration.ofSeconds(20))).as(run.output()).isEqualTo(0);
            } finally {
                mqtt.destroy();
                reader.join(5_000);
            }
            Set<String> delivered = fileEventIds(dir.resolve("out"));
            assertThat(delivered).hasSize(3); // one event per conversation of the seeded account
            assertThat(mqttLines.stream().filter(l -> l.startsWith("{")).toList()).hasSize(3);
            assertThat(nats.messages()).hasSize(3);
        }
    }

    @Test
    void aComponentOfAnotherCamelIsRefused() throws Exception {
        // a repository with a component built on Camel 9.9.9 (POMs and empty jars)
        Path repo = dir.resolve("repo");
        artifact(repo, "camel-api", "9.9.9", "");
        artifact(repo, "camel-future", "9.9.9", "<dependencies><dependency><groupId>org.apache.camel</groupId>"
                + "<artifactId>camel-api</artifactId><version>9.9.9</version></dependency></dependencies>");
        Path plugins = dir.resolve("plugins");
        CliTest.Result r = CliTest.run("plugins", "add", "org.apache.camel:camel-future:9.9.9", "--dir", plugins.toString(),
                "--repo", repo.toUri().toString(), "--local-repo", dir.resolve("local").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: org.apache.camel:camel-future:9.9.9 is built for Camel 9.9.9 (it needs"
                + " org.apache.camel:camel-api:9.9.9); this runtime is Camel 4.14.0: add version 4.14.0 (the default when no"
                + " version is given)\n");
        assertThat(plugins).doesNotExist();
        CliTest.Result bad = CliTest.run("plugins", "add", "com.example:thing", "--dir", plugins.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("give the version");
    }

    private static void artifact(Path repo, String artifactId, String version, String dependencies) throws IOException {
        Path d = Files.createDirectories(repo.resolve("org/apache/camel/" + artifactId + "/" + version));
        Files.writeString(d.resolve(artifactId + "-" + version + ".pom"), "<project><modelVersion>4.0.0</modelVersion>"
                + "<groupId>org.apache.camel</groupId><artifactId>" + artifactId + "</artifactId><version>" + version
                + "</version>" + dependencies + "</project>");
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(d.resolve(artifactId + "-" + version + ".jar")))) {
            jar.putNextEntry(new java.util.jar.JarEntry("META-INF/"));
        }
    }

    private static Set<String> fileEventIds(Path out) throws IOException {
        Path events = out.resolve("events");
        Set<String> ids = new TreeSet<>();
        if (!Files.isDirectory(events)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(events)) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        ids.add(Json.MAPPER.readTree(line).get("id").asText());
                    }
                }
            }
        }
        return ids;
    }

    private static Set<String> ids(List<String> payloads) {
        Set<String> ids = new TreeSet<>();
        for (String p : payloads) {
            if (p.startsWith("{")) {
                try {
                    JsonNode event = Json.MAPPER.readTree(p);
                    ids.add(event.get("id").asText());
                } catch (IOException e) {
                    throw new IllegalStateException("not an event: " + p, e);
                }
            }
        }
        return ids;
    }

    private static void readLines(Process p, List<String> into) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                into.add(line);
            }
        } catch (IOException e) {
            // the process was stopped
        }
    }

    private static Thread daemon(Runnable work) {
        Thread t = new Thread(work, "plugins-test-reader");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String slashes(Path p) {
        return p.toString().replace('\\', '/');
    }

    /**
     * A NATS subscriber speaking the text protocol (CONNECT, SUB, PING; MSG lines with their payload): a client
     * separate from the runtime's, with nothing of the component's library.
     */
    private static final class NatsSubscriber implements AutoCloseable {
        private final Socket socket;
        private final List<String> messages = new CopyOnWriteArrayList<>();
        private final Thread reader;

        NatsSubscriber(String subject) throws IOException {
            socket = new Socket("127.0.0.1", 4222);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            String info = in.readLine();
            assertThat(info).startsWith("INFO ");
            out.write(("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB " + subject + " 1\r\nPING\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line;
            while ((line = in.readLine()) != null && !line.equals("PONG")) {
                assertThat(line).as("the NATS server's answer to CONNECT and SUB").doesNotStartWith("-ERR");
            }
            reader = daemon(() -> {
                try {
                    String l;
                    while ((l = in.readLine()) != null) {
                        if (l.startsWith("MSG ")) {
                            messages.add(in.readLine()); // one-line JSON payload
                        } else if (l.equals("PING")) {
                            synchronized (out) {
                                out.write("PONG\r\n".getBytes(StandardCharsets.UTF_8));
                                out.flush();
                            }
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        List<String> messages() {
            return List.copyOf(messages);
        }

        @Override
        public void close() throws Exception {
            socket.close();
            reader.join(5_000);
        }
    }
}
