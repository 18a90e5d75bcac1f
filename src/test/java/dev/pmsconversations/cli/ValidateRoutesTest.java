package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * validate checks what Camel will load, before it starts, in its {@code file:line: key: problem} form: a sink URI or a
 * user route whose component is not in the runtime (naming the artifact that has it), a language that is not, a user
 * route id that would replace a runtime route, an in-memory sink, a route sink that is not a direct: endpoint, and a
 * route glob that matches nothing. run refuses the same configuration with the same lines (exit 2, no stack trace).
 */
class ValidateRoutesTest {
    @TempDir
    Path dir;

    private Path config(String sinks, String extraRoutes) throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "runtime:\n  store: { url: \"jdbc:h2:mem:validate-routes\" }\n"
                + (extraRoutes == null ? "" : "  extraRoutes: [\"" + extraRoutes + "\"]\n")
                + "sinks:\n" + sinks);
        return config;
    }

    private String routes(String text) throws Exception {
        Path custom = Files.createDirectories(dir.resolve("custom"));
        Files.writeString(custom.resolve("mine.camel.yaml"), text);
        return custom.toString().replace('\\', '/') + "/*.camel.yaml";
    }

    @Test
    void aSinkWhoseComponentIsMissingNamesTheArtifact() throws Exception {
        Path config = config("  - name: mqtt\n    type: uri\n    uri: \"paho-mqtt5:pms/events?brokerUrl=tcp://127.0.0.1:1883\"\n", null);
        CliTest.Result r = CliTest.run("validate", "-c", config.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: " + config + ":6: key 'sinks.0.uri': no Camel component 'paho-mqtt5' in this runtime: it comes"
                + " with org.apache.camel:camel-paho-mqtt5 (see docs/extending.md)\n");
        CliTest.Result run = CliTest.run("run", "-c", config.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains(config + ":6: key 'sinks.0.uri': no Camel component 'paho-mqtt5'").doesNotContain("\tat ");
    }

    @Test
    void inMemoryAndNonDirectRouteSinksAreRefused() throws Exception {
        Path config = config("  - { name: mem, type: uri, uri: \"seda:events\" }\n"
                + "  - { name: mine, type: route, endpoint: \"http://127.0.0.1:1/x\" }\n", null);
        CliTest.Result r = CliTest.run("validate", "-c", config.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).satisfiesExactly(
                l -> assertThat(l).startsWith("error: " + config + ":4: key 'sinks.0.uri': 'seda:' is an in-memory queue"),
                l -> assertThat(l).startsWith("error: " + config + ":5: key 'sinks.1.endpoint': a direct: endpoint of one of your routes"));
    }

    @Test
    void userRoutesWithAMissingComponentOrLanguageOrAClashingIdAreRefusedWithFileAndLine() throws Exception {
        String glob = routes("""
                - route:
                    id: outbox-sweep
                    from:
                      uri: direct:mine
                      steps:
                        - filter:
                            groovy: "body.contains('x')"
                            steps:
                              - to: "nats:events?servers=127.0.0.1:4222"
                - route:
                    id: poll-mine
                    from:
                      uri: "timer:mine?period=1000"
                      steps:
                        - to: direct:mine
                """);
        Path config = config("  - { name: mine, type: route, endpoint: \"direct:mine\" }\n", glob);
        String file = dir.resolve("custom").resolve("mine.camel.yaml").toString();
        CliTest.Result r = CliTest.run("validate", "-c", config.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).containsExactlyInAnyOrder(
                "error: " + file + ":7: key 'groovy': no Camel language 'groovy' in this runtime: it comes with org.apache.camel:camel-groovy (see docs/extending.md)",
                "error: " + file + ":9: key 'to': no Camel component 'nats' in this runtime: it comes with org.apache.camel:camel-nats (see docs/extending.md)",
                "error: " + file + ":2: key 'id': route id 'outbox-sweep' is already used by routes/outbox.camel.yaml:5; give your route another id",
                "error: " + file + ":11: key 'id': route ids starting with 'poll-' are the runtime's (one per account or sink); give your route another id");
    }

    @Test
    void aGlobThatMatchesNothingIsAnError() throws Exception {
        Path config = config("  - { name: mine, type: route, endpoint: \"direct:mine\" }\n", dir + "/nowhere/*.camel.yaml");
        CliTest.Result r = CliTest.run("validate", "-c", config.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: " + config + ":3: key 'runtime.extraRoutes.0': '" + dir + "/nowhere/*.camel.yaml' matches no file");
    }

    @Test
    void whatTheRuntimeShipsIsAccepted() throws Exception {
        String glob = routes("""
                - route:
                    id: my-events
                    from:
                      uri: direct:my-events
                      steps:
                        - log: "${header.pmsEventId}"
                        - filter:
                            jsonpath: "$.data.messages[?(@.senderType == 'Guest')]"
                            steps:
                              - to: "log:guest-messages?level=INFO"
                              - to: "stream:out"
                """);
        Path config = config("  - { name: mine, type: route, endpoint: \"direct:my-events\" }\n"
                + "  - { name: log, type: uri, uri: \"log:pms-events?level=INFO\" }\n", glob);
        CliTest.Result r = CliTest.run("validate", "-c", config.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("OK: " + config);
    }
}
