package dev.pmsconversations.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.runtime.PmsConfiguration;
import dev.pmsconversations.simulator.PmsSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real runtime (routes/, mappings/) against the simulator serving the golden fixtures of Hostaway,
 * Guesty and Smoobu, one account each ({@code <source>-1}), started by each test after its set-up.
 */
public abstract class RuntimeTestSupport extends CamelMainTestSupport {
    protected static final List<String> SOURCES = List.of("hostaway", "guesty", "smoobu", "hostfully", "hostify", "lodgify", "beds24", "ownerrez", "hostex", "hospitable", "fantasticstay", "yourrentals", "resly", "rentalwise", "bookingsync");

    /**
     * The sources the per-source cases run for: every source (the H2 and the PostgreSQL runs alike), or the list in
     * {@code -Dpms.test.perSource} to narrow a run while working on one source.
     */
    public static java.util.stream.Stream<String> sourcesWithWebhooks() {
        var registry = dev.pmsconversations.source.SourceRegistry.load(java.nio.file.Path.of("mappings"), false);
        return sourcesUnderTest().filter(s -> registry.get(s).api().webhook() != null);
    }

    public static java.util.stream.Stream<String> sourcesUnderTest() {
        String only = System.getProperty("pms.test.perSource", "");
        return only.isBlank() ? SOURCES.stream() : java.util.Arrays.stream(only.split(",")).map(String::trim).filter(SOURCES::contains);
    }

    @TempDir
    static Path out;

    protected PmsSimulator sim;
    protected PmsConfiguration pms;
    protected int apiPort = -1;

    /** Override to add sinks (YAML list items under {@code sinks:}) besides the file sink "files". */
    protected String extraSinks() {
        return "";
    }

    /** Override to set options of the {@code delivery:} section (used with {@link #extraSinks()}). */
    protected String deliveryOptions() {
        return "";
    }

    /** The ids of every event the file sink holds, over all accounts (what every other sink must get too). */
    protected List<String> fileEventIds() {
        List<String> ids = new java.util.ArrayList<>();
        for (String s : SOURCES) {
            events(s + "-1").forEach(e -> ids.add(e.get("id").asText()));
        }
        return ids;
    }

    /**
     * One more guest message in every conversation of every account, polled: the ids of the events it made. A sink's
     * "nothing more arrived" check waits for these markers: per conversation they come after every earlier event.
     */
    protected List<String> markerEvents() {
        List<String> before = fileEventIds();
        int conversations = 0;
        for (String source : SOURCES) {
            for (String thread : sim.threadIds(source, source + "-1")) {
                sim.addMessage(source, source + "-1", thread, "marker", true);
                conversations++;
            }
            poll(source + "-1");
        }
        List<String> markers = new java.util.ArrayList<>(fileEventIds());
        markers.removeAll(before);
        assertThat(markers).as("one marker event per conversation").hasSize(conversations);
        return markers;
    }

    /** Override to change the test configuration further (e.g. turn the management server on). */
    protected dev.pmsconversations.config.RuntimeConfig adjust(dev.pmsconversations.config.RuntimeConfig config) {
        return config;
    }

    /** Override to set route properties (the {@code {{pms.…}}} placeholders of routes/, e.g. a queue size). */
    protected java.util.Properties extraProperties() {
        return new java.util.Properties();
    }

    /**
     * The runtime's clock: by default fixed at 2026-08-20T08:00Z, as the fixtures' reservations are of August 2026 and
     * date windows are computed as of then. Override for a test that needs the time the simulator lives in.
     */
    protected Clock clock() {
        return Clock.fixed(Instant.parse("2026-08-20T08:00:00Z"), ZoneOffset.UTC);
    }

    /** The golden fixtures the simulator serves for the source's account (all of them; override to narrow). */
    protected List<Fixtures.Fixture> fixtures(String source) {
        return Fixtures.of(source);
    }

    /** The accounts' poll triggers: by default one poll at start (tests then poll on demand); override for real schedules. */
    protected java.util.function.Function<dev.pmsconversations.config.AccountConfig, String> quartzOptions() {
        return a -> "trigger.repeatInterval=3600000&trigger.repeatCount=0&stateful=true";
    }

    /** Override to run the API (and webhook receiver) on a free port. */
    protected boolean withApi() {
        return false;
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        try {
            sim = new PmsSimulator(0, 7);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String source : SOURCES) {
            for (Fixtures.Fixture f : fixtures(source)) {
                sim.source(source).load(source + "-1", f.nativeBundle());
            }
        }
        if (withApi()) {
            apiPort = TestRuntime.freePort();
        }
        pms = new PmsConfiguration(adjust(TestRuntime.config(sim, out.resolve(UUID.randomUUID().toString()), SOURCES, apiPort, extraSinks(), deliveryOptions())),
                quartzOptions()).withClock(clock());
        pms.apply(configuration);
        java.util.Properties properties = pms.camelProperties();
        properties.putAll(extraProperties());
        camelContextConfiguration().withUseOverridePropertiesWithPropertiesComponent(properties);
    }

    /** The context is started by each test, after it has set up its NotifyBuilder. */
    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @AfterEach
    void stopRuntimeAfterEachTest() {
        // (Camel's own isCreateCamelContextPerClass() still says false while configure() runs)
        TestInstance lifecycle = getClass().getAnnotation(TestInstance.class);
        if (lifecycle == null || lifecycle.value() != TestInstance.Lifecycle.PER_CLASS) {
            stopRuntimeThenSimulator();
        }
    }

    /**
     * Stops the runtime, then the simulator. A class that shares one runtime between its tests
     * ({@code @TestInstance(PER_CLASS)}) calls this from its own {@code @AfterAll}.
     */
    protected void stopRuntimeThenSimulator() {
        // the test has asserted what it needed: work still in flight (a webhook's thread read, a retry waiting on
        // its backoff) is abandoned after 1 s instead of holding every test for the graceful 10
        context.getShutdownStrategy().setTimeout(1);
        context.stop();
        sim.close();
    }

    /** The id of the source's golden-fixture conversation (the thread tests write into). */
    protected static String fixtureThread(String source) {
        return Fixtures.of(source).get(0).expected().get("id").asText();
    }

    protected Path outDir() {
        return Path.of(pms.config().sinks().get(0).options().get("directory"));
    }

    /** Starts the runtime; Quartz fires each account's first poll at once. */
    protected void awaitFirstPolls() {
        // root exchanges only: split and recipient-list copies carry the correlation id of their parent
        NotifyBuilder polls = new NotifyBuilder(context).from("quartz:*")
                .filter(e -> e.getProperty(ExchangePropertyKey.CORRELATION_ID) == null)
                .whenDone(SOURCES.size()).create();
        context.start();
        assertThat(polls.matches(30, TimeUnit.SECONDS)).as("first poll of every account").isTrue();
        assertThat(pms.sync().status().values()).allSatisfy(s -> assertThat(s.polls()).isEqualTo(1));
    }

    protected void poll(String accountId) {
        template.sendBodyAndHeader("direct:sync-account", null, dev.pmsconversations.exchange.Headers.ACCOUNT, accountId);
    }

    /** The new message ids of every event the file sink wrote for an account, in order. */
    protected List<String> newMessageIds(String accountId) {
        // an account's lifecycle events (account.*) have none
        return events(accountId).stream().flatMap(e -> java.util.stream.StreamSupport.stream(e.path("newMessageIds").spliterator(), false))
                .map(JsonNode::asText).toList();
    }

    /** The events the file sink wrote for an account, in order. */
    protected List<JsonNode> events(String accountId) {
        Path log = outDir().resolve("events").resolve(accountId + ".ndjson");
        if (!Files.exists(log)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> !l.isBlank()).map(l -> {
                try {
                    return Json.MAPPER.readTree(l);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
