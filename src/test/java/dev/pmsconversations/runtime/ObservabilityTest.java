package dev.pmsconversations.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.simulator.SimFault;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The management port: Camel health checks with the runtime's own (state store, one per account) and Prometheus
 * metrics with the runtime's counters, read after a real sync against the simulator.
 */
class ObservabilityTest extends RuntimeTestSupport {
    private final int managementPort = TestRuntime.freePort();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    /** A sink whose endpoint is down for the whole test (nothing listens on port 9). */
    @Override
    protected String extraSinks() {
        return "  - { name: gone, type: http, url: \"http://127.0.0.1:9/events\", connectTimeoutMillis: 500, maxAttempts: 20,"
                + " filter: { accounts: [hostaway-1] } }\n";
    }

    /** The API on as well: two HTTP servers in one runtime (the API's routes must find theirs). */
    @Override
    protected boolean withApi() {
        return true;
    }

    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        return config.withManagement(new RuntimeConfig.ManagementConfig(true, "127.0.0.1", managementPort));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode check(JsonNode health, String id) {
        for (JsonNode c : health.path("checks")) {
            if (id.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + health);
    }

    /** The value of one Prometheus sample line, e.g. {@code pms_polls_total{account="x",source="y",} 1.0}. */
    private static double sample(String metrics, String name, String... labels) {
        for (String line : metrics.split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample " + name + " " + String.join(",", labels) + " in:\n" + metrics);
    }

    @Test
    void healthAndMetricsReportTheSyncAndAnAccountWhoseCredentialsAreRefused() throws Exception {
        sim.inject("smoobu", SimFault.status("/reservations", 401), 100); // the PMS refuses smoobu-1's key
        sim.inject("hostex", SimFault.tooManyRequests("/conversations", 1), 1); // one 429, then the retry goes through
        awaitFirstPolls();

        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/observe/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200); // one refused account does not make the node unready
        HttpResponse<String> all = get("/observe/health?data=true"); // data=true: each check's details
        assertThat(all.statusCode()).as("an account is DOWN: the full view says so").isEqualTo(503);
        JsonNode health = Json.MAPPER.readTree(all.body());
        assertThat(check(health, "pms-state-store").path("status").asText()).isEqualTo("UP");
        JsonNode hostaway = check(health, "pms-account-hostaway-1");
        assertThat(hostaway.path("status").asText()).isEqualTo("UP");
        assertThat(hostaway.at("/data/consecutiveFailures").asInt()).isZero();
        assertThat(hostaway.at("/data/lastSuccessfulPoll").asText()).as(hostaway.toString()).isNotEmpty();
        JsonNode smoobu = check(health, "pms-account-smoobu-1");
        assertThat(smoobu.path("status").asText()).isEqualTo("DOWN");
        assertThat(smoobu.at("/data/auth").asText()).isEqualTo("refused");
        assertThat(smoobu.path("message").asText()).contains("credentials").doesNotContain("smoobu-key");

        // the sink that is down: its check goes DOWN once its oldest event has failed 3 times; the node stays ready
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode h = Json.MAPPER.readTree(get("/observe/health?data=true").body());
            return check(h, "pms-sink-gone").path("status").asText().equals("DOWN");
        });
        JsonNode gone = check(Json.MAPPER.readTree(get("/observe/health?data=true").body()), "pms-sink-gone");
        assertThat(gone.path("message").asText()).contains("deliveries keep failing");
        assertThat(gone.at("/data/backlog").asInt()).isEqualTo(events("hostaway-1").size());
        assertThat(check(Json.MAPPER.readTree(get("/observe/health?data=true").body()), "pms-sink-files").path("status").asText()).isEqualTo("UP");
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);

        String metrics = get("/observe/metrics").body();
        assertThat(sample(metrics, "pms_polls_total", "account=\"hostaway-1\"", "source=\"hostaway\"")).isEqualTo(1.0);
        assertThat(sample(metrics, "pms_conversations_delivered_total", "account=\"hostaway-1\"")).isEqualTo(events("hostaway-1").size());
        assertThat(sample(metrics, "pms_messages_mapped_total", "account=\"hostaway-1\""))
                .isEqualTo(events("hostaway-1").get(0).at("/data/messages").size());
        assertThat(sample(metrics, "pms_pms_requests_total", "account=\"hostaway-1\"")).isEqualTo(sim.requests("hostaway", "hostaway-1").size());
        assertThat(sample(metrics, "pms_poll_failures_total", "account=\"smoobu-1\"")).isEqualTo(1.0);
        assertThat(sample(metrics, "pms_account_auth_refused", "account=\"smoobu-1\"")).isEqualTo(1.0);
        assertThat(sample(metrics, "pms_account_auth_refused", "account=\"hostaway-1\"")).isEqualTo(0.0);
        assertThat(sample(metrics, "pms_outbox", "status=\"SENT\"")).isEqualTo(0.0);
        assertThat(sample(metrics, "pms_pms_rate_limited_total", "account=\"hostex-1\"")).isEqualTo(1.0);
        assertThat(sample(metrics, "pms_pms_rate_limited_total", "account=\"hostaway-1\"")).isEqualTo(0.0);
        assertThat(sample(metrics, "pms_poll_failures_total", "account=\"hostex-1\"")).isEqualTo(0.0); // retried, not failed
        assertThat(sample(metrics, "pms_sync_lag_seconds", "account=\"hostaway-1\"")).isPositive(); // fixture messages are older than now
        assertThat(sample(metrics, "pms_webhooks_received_total", "source=\"hostaway\"", "outcome=\"accepted\"")).isEqualTo(0.0);
        assertThat(metrics).doesNotContain("smoobu-key");
        assertThat(sample(metrics, "pms_polls_started_total")).isGreaterThanOrEqualTo(SOURCES.size());
        assertThat(sample(metrics, "pms_poll_misfires_total")).isZero();
        // Camel's route meters for the runtime's routes, none per account poll route (10,000 accounts, 10,000 routes)
        assertThat(metrics).contains("routeId=\"sync-account\"").doesNotContain("routeId=\"poll-hostaway-1\"")
                .contains("jvm_memory_used_bytes").doesNotContain("camel_exchange_event_notifier");

        // the API on its own port, beside the management server: the status shows the schedule kept
        JsonNode status = new dev.pmsconversations.testing.ApiClient(apiPort).get("/v2/status", TestRuntime.TOKEN).json().path("data");
        assertThat(status.at("/schedule/pollsStarted").asLong()).isGreaterThanOrEqualTo(SOURCES.size());
        assertThat(status.at("/schedule/misfired").asLong()).isZero();
        long bucketed = 0;
        for (JsonNode n : status.at("/schedule/startDelay")) {
            bucketed += n.asLong();
        }
        assertThat(bucketed).as("every poll in a start-delay bucket: %s", status.path("schedule")).isEqualTo(status.at("/schedule/pollsStarted").asLong());
        assertThat(status.at("/schedule/startDelay/above60000ms").asLong()).isZero();
    }
}
