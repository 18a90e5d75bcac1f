package dev.pmsconversations.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pmsconversations.simulator.SimFault;
import dev.pmsconversations.simulator.SimWebhook;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A full cycle for every source — sync, a send through the API, a guest message by webhook, a forged webhook, a PMS that
 * refuses one account's credentials — with the simulator's recognisable credentials: none of them appears in the logs
 * (messages and stack traces), the sink files, the dead letters, or any API answer.
 */
class SecretsTest extends RuntimeTestSupport {
    private final ConcurrentLinkedQueue<String> logged = new ConcurrentLinkedQueue<>();
    private AbstractAppender capture;

    @Override
    protected boolean withApi() {
        return true;
    }

    private void captureLogs() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        capture = new AbstractAppender("secrets-capture", null, null, true, new Property[0]) {
            @Override
            public void append(LogEvent event) {
                StringBuilder sb = new StringBuilder(event.getMessage().getFormattedMessage()).append(' ').append(event.getContextData());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    sb.append('\n').append(t).append(' ').append(java.util.Arrays.toString(t.getStackTrace()));
                }
                logged.add(sb.toString());
            }
        };
        capture.start();
        ctx.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        ctx.getConfiguration().getLoggerConfig("dev.pmsconversations").addAppender(capture, Level.ALL, null);
        ctx.updateLoggers();
    }

    @AfterEach
    void stopCapture() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender("secrets-capture");
        ctx.getConfiguration().getLoggerConfig("dev.pmsconversations").removeAppender("secrets-capture");
        ctx.updateLoggers();
    }

    /** Every credential value that is a secret (not an id or a user name), over all accounts, plus the API token. */
    private List<String> secrets() {
        TreeSet<String> out = new TreeSet<>(List.of(TestRuntime.TOKEN, TestRuntime.SCOPED_TOKEN));
        for (String s : SOURCES) {
            Map<String, String> all = new java.util.HashMap<>(sim.source(s).account(s + "-1").credentials);
            all.putAll(TestRuntime.webhookSecrets(s));
            all.forEach((name, value) -> {
                if (name.matches("(?i).*(secret|token|key|password).*")) {
                    out.add(value);
                }
            });
        }
        return new ArrayList<>(out);
    }

    @Test
    void noSecretReachesLogsSinksDeadLettersOrAnswers() throws Exception {
        captureLogs();
        sim.inject("smoobu", SimFault.status("/reservations", 401), 100); // the PMS refuses one account's key
        awaitFirstPolls();
        ApiClient api = new ApiClient(apiPort);
        List<String> answers = new ArrayList<>();
        for (String source : SOURCES) {
            if (source.equals("smoobu")) {
                continue;
            }
            String thread = fixtureThread(source);
            ApiClient.Answer sent = api.post("/v2/conversations/" + thread + "/messages?accountId=" + source + "-1", TestRuntime.TOKEN,
                    "{\"body\":\"Secrets test reply\"}", Map.of());
            answers.add(sent.text());
            String id = sent.json().at("/data/id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> !api.get("/v2/outbox/" + id, TestRuntime.TOKEN).json().at("/data/status").asText()
                    .matches("PENDING|SENDING"));
            answers.add(api.get("/v2/outbox/" + id, TestRuntime.TOKEN).text());
            sim.addMessage(source, source + "-1", thread, "Secrets test guest message", true);
        }
        // the webhooks the simulator sent: answered, then forged copies with the credentials wrong
        await().atMost(Duration.ofSeconds(30)).until(() -> sim.webhookCalls().stream().filter(w -> w.status() > 0).count()
                >= SOURCES.stream().filter(s -> !s.equals("smoobu") && pms.sources().get(s).api().webhook() != null).count());
        for (SimWebhook w : sim.webhookCalls()) {
            Map<String, String> headers = new java.util.HashMap<>(w.headers());
            headers.replaceAll((k, v) -> k.equalsIgnoreCase("Content-Type") ? v : "x" + v);
            headers.remove("Content-Type");
            String path = w.url().substring(w.url().indexOf("/webhooks/")).replaceAll("token=[^&]+", "token=wrong");
            answers.add(api.post(path, null, w.body().replace("Secrets", "Forged"), headers).text());
        }
        for (String path : List.of("/v2/conversations?limit=100", "/v2/status", "/v2/dead-letters", "/openapi.json")) {
            answers.add(api.get(path, TestRuntime.TOKEN).text());
        }
        answers.add(api.get("/v2/conversations", "wrong-" + TestRuntime.TOKEN).text());

        List<String> sinkFiles = new ArrayList<>();
        try (Stream<Path> files = Files.walk(outDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                sinkFiles.add(f + ": " + Files.readString(f));
            }
        }
        List<String> deadLetters = new ArrayList<>();
        SOURCES.forEach(s -> pms.store().deadLetters(s + "-1").forEach(d -> deadLetters.add(d.toString())));

        assertThat(logged).as("the runtime logged something (the capture works)").anySatisfy(l -> assertThat(l).contains("smoobu-1"));
        assertThat(String.join("\n", answers)).contains("Secrets test reply", "UNAUTHORIZED");
        for (String secret : secrets()) {
            assertThat(logged).as("logs").noneSatisfy(l -> assertThat(l).contains(secret));
            assertThat(sinkFiles).as("sink files").noneSatisfy(f -> assertThat(f).contains(secret));
            assertThat(deadLetters).as("dead letters").noneSatisfy(d -> assertThat(d).contains(secret));
            assertThat(answers).as("API and webhook answers").noneSatisfy(a -> assertThat(a).contains(secret));
        }
    }
}
