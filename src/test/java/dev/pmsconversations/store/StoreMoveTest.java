package dev.pmsconversations.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.cli.PmsConversations;
import dev.pmsconversations.config.ConfigLoader;
import dev.pmsconversations.runtime.PmsConfiguration;
import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.simulator.SimAccount;
import dev.pmsconversations.source.MissingRefreshTokens;
import dev.pmsconversations.source.RefreshTokens;
import dev.pmsconversations.sync.AccountStatus;
import dev.pmsconversations.testing.TestRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BookingSync account moves from H2 to PostgreSQL. BookingSync rotates the refresh token on every refresh and revokes
 * the old one once the new access token is used (the simulator does as Doorkeeper does), so on another store the
 * account goes on only with the state carried by {@code store export} / {@code store import}; on a store without it, the
 * runtime warns at start and the PMS refuses the account. The runtimes run in this JVM, one after the other.
 */
class StoreMoveTest {
    private static final String ACCOUNT = "bookingsync-1";

    @TempDir
    Path dir;

    private final ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void captureWarnings() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        AbstractAppender capture = new AbstractAppender("store-move-capture", null, null, true, new Property[0]) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel() == Level.WARN && event.getLoggerName().equals(MissingRefreshTokens.class.getName())) {
                    warnings.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        ctx.getConfiguration().getLoggerConfig("dev.pmsconversations").addAppender(capture, Level.ALL, null);
        ctx.updateLoggers();
    }

    @AfterEach
    void stopCapture() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getLoggerConfig("dev.pmsconversations").removeAppender("store-move-capture");
        ctx.updateLoggers();
    }

    @Test
    void aMovedAccountGoesOnWithItsRotatedTokenWhileAStoreWithoutItWarnsAndIsLockedOut() throws Exception {
        try (PmsSimulator sim = new PmsSimulator(0, 3)) {
            SimAccount account = sim.source("bookingsync").seed(ACCOUNT, 2, 2);
            String configured = account.credentials.get("refreshToken");
            String hash = RefreshTokens.credentialHash(configured);

            // 1. the first start, on an empty H2 store: the warning (nothing to do on a first start), a poll, a rotated token
            Path onH2 = config(sim, "h2.yaml", "jdbc:h2:file:" + dir.resolve("h2-state").toString().replace('\\', '/'), "out-h2");
            String rotated;
            try (Runtime h2 = Runtime.start(onH2)) {
                assertThat(warnings).singleElement().asString().contains("account '" + ACCOUNT + "' (BookingSync)",
                        "holds no rotated refresh token", "store import", "authorise the app again").doesNotContain(configured);
                AccountStatus polled = h2.awaitFirstPoll();
                assertThat(polled.failedPolls()).as(polled.lastError()).isZero();
                Awaitility.await("both conversations delivered").atMost(Duration.ofSeconds(30))
                        .until(() -> h2.deliveredEvents() == 2);
                rotated = h2.pms.store().refreshToken(ACCOUNT, hash).orElseThrow();
                assertThat(rotated).isNotEqualTo(configured);
            }

            // 2. the move: export the H2 store, import into a fresh PostgreSQL schema
            Path state = dir.resolve("state.json");
            assertThat(PmsConversations.execute("store", "export", "-c", onH2.toString(), "--file", state.toString())).isZero();
            Path onPostgres = config(sim, "pg.yaml", TestRuntime.postgresStoreUrl(), "out-pg");
            assertThat(PmsConversations.execute("store", "import", "-c", onPostgres.toString(), "--file", state.toString())).isZero();

            // 3. the runtime on PostgreSQL: no warning, the poll refreshes with the rotated token (the configured one is revoked),
            //    and nothing that was delivered is delivered again
            warnings.clear();
            try (Runtime pg = Runtime.start(onPostgres)) {
                assertThat(warnings).isEmpty();
                AccountStatus polled = pg.awaitFirstPoll();
                assertThat(polled.failedPolls()).as(polled.lastError()).isZero();
                assertThat(pg.pms.store().refreshToken(ACCOUNT, hash)).isPresent().get().isNotEqualTo(rotated); // rotated again
                // events are queued in the poll's own transaction: none queued means none will be delivered
                int queued = pg.pms.store().jdbc().query("select count(*) from delivery", rs -> rs.next() ? rs.getInt(1) : -1);
                assertThat(queued).isZero();
            }

            // 4. a store the state was not carried to: the warning, and BookingSync refuses the revoked configured token
            warnings.clear();
            Path onEmpty = config(sim, "empty.yaml", "jdbc:h2:mem:empty-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "out-empty");
            try (Runtime empty = Runtime.start(onEmpty)) {
                assertThat(warnings).singleElement().asString().contains("account '" + ACCOUNT + "'");
                AccountStatus polled = empty.awaitFirstPoll();
                assertThat(polled.authFailed()).isTrue();
                assertThat(polled.lastError()).contains("authorise the app again");
            }
            assertThat(sim.requests("bookingsync", ACCOUNT).stream().filter(r -> r.path().endsWith("/oauth/token")))
                    .as("token refreshes BookingSync granted: H2's first and PostgreSQL's, not the empty store's").hasSize(2);
        }
    }

    private Path config(PmsSimulator sim, String name, String storeUrl, String out) throws Exception {
        StringBuilder yaml = new StringBuilder("runtime:\n  store: { url: \"").append(storeUrl).append("\" }\n")
                .append("delivery: { drainMillis: 200 }\n")
                .append("sinks:\n  - { name: files, type: file, directory: \"").append(dir.resolve(out).toString().replace('\\', '/'))
                .append("\" }\naccounts:\n  - id: ").append(ACCOUNT).append("\n    source: bookingsync\n    baseUrl: \"")
                .append(sim.baseUrl("bookingsync")).append("\"\n    schedule: { every: 1h }\n    credentials:\n");
        sim.source("bookingsync").account(ACCOUNT).credentials
                .forEach((k, v) -> yaml.append("      ").append(k).append(": { value: \"").append(v).append("\" }\n"));
        Path file = dir.resolve(name);
        Files.writeString(file, yaml.toString());
        return file;
    }

    /** A runtime as {@code run -c file} starts it, in this JVM; its first poll fires at start. */
    private static final class Runtime implements AutoCloseable {
        final PmsConfiguration pms;
        private final Main main;

        private Runtime(PmsConfiguration pms, Main main) {
            this.pms = pms;
            this.main = main;
        }

        static Runtime start(Path config) throws Exception {
            PmsConfiguration pms = new PmsConfiguration(new ConfigLoader().load(config));
            Main main = new Main();
            pms.apply(main);
            main.start();
            return new Runtime(pms, main);
        }

        AccountStatus awaitFirstPoll() {
            Awaitility.await("first poll of " + ACCOUNT).atMost(Duration.ofSeconds(60))
                    .until(() -> pms.sync().status().get(ACCOUNT).polls() >= 1);
            return pms.sync().status().get(ACCOUNT);
        }

        int deliveredEvents() throws Exception {
            Path log = Path.of(pms.config().sinks().get(0).options().get("directory")).resolve("events").resolve(ACCOUNT + ".ndjson");
            return Files.exists(log) ? (int) Files.readAllLines(log).stream().filter(l -> !l.isBlank()).count() : 0;
        }

        @Override
        public void close() throws Exception {
            main.stop();
        }
    }
}
