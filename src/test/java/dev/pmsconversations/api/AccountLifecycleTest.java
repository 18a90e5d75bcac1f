package dev.pmsconversations.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.simulator.SimAccount;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.AccountsTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle events (issue "Connections"): an account created through the API is announced as {@code account.connected};
 * when the PMS later revokes its key, its polls are refused and exactly one {@code account.auth_failed} (with the PMS's
 * reason) reaches the sinks however many polls are refused, and the API answers AUTH_FAILED; the key the PMS issued
 * next, given by PATCH, makes one {@code account.recovered} and polling resumes (a new guest message is delivered);
 * DELETE makes {@code account.removed}. A sink filtered to these event types gets them and nothing else.
 */
class AccountLifecycleTest extends AccountsTestSupport {
    private static final String ID = "sm-life-1";
    private static final String KEY = "smoobu-key-" + ID; // what the simulated Smoobu issued to this account

    @Override
    protected String extraSinks() {
        return "  - { name: lifecycle, type: file, directory: \"" + lifecycleDir().toString().replace('\\', '/') + "\", "
                + "filter: { eventTypes: [account.connected, account.auth_failed, account.recovered, account.removed] } }\n";
    }

    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        // a refused account is asked again every second (the default waits a minute): many refusals, one event
        return withKey(config.withBreaker(new RuntimeConfig.BreakerConfig(3, 1, 1)), "lifecycle-test-key-0123456789abcdef");
    }

    @Test
    void revokedCredentialsMakeOneAuthFailedAndNewOnesRecover() throws Exception {
        SimAccount pmsSide = sim.source("smoobu").seed(ID, 1, 1);
        awaitFirstPolls();
        ApiClient api = new ApiClient(apiPort);
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", ID).put("source", "smoobu").put("name", "Host 7")
                .put("externalRef", "crm-7").put("baseUrl", sim.baseUrl("smoobu"));
        body.putObject("credentials").put("apiKey", KEY);
        body.putObject("schedule").put("every", "1s");
        body.putArray("tags").add("pilot");
        ApiClient.Answer created = api.post("/v2/accounts", TestRuntime.TOKEN, body.toString(), Map.of());
        assertThat(created.status()).as(created.text()).isEqualTo(201);

        Awaitility.await("account.connected").atMost(Duration.ofSeconds(10)).until(() -> types().contains("account.connected"));
        JsonNode connected = lifecycle().get(0);
        assertThat(connected.get("type").asText()).isEqualTo("account.connected");
        assertThat(connected.get("source").asText()).isEqualTo("smoobu");
        assertThat(connected.get("accountId").asText()).isEqualTo(ID);
        assertThat(connected.at("/data/status").asText()).isEqualTo("ACTIVE");
        assertThat(connected.at("/data/name").asText()).isEqualTo("Host 7");
        assertThat(connected.at("/data/externalRef").asText()).isEqualTo("crm-7");
        assertThat(connected.at("/data/tags/0").asText()).isEqualTo("pilot");
        String thread = pmsSide.threads.get(0).id;
        Awaitility.await("its thread delivered").atMost(Duration.ofSeconds(10)).until(() -> conversationEvents().stream()
                .anyMatch(e -> e.at("/data/id").asText().equals(thread)));

        // the host revokes the key in Smoobu: every poll from now on is refused
        pmsSide.credentials.put("apiKey", "smoobu-key-reissued-" + ID);
        Awaitility.await("account.auth_failed").atMost(Duration.ofSeconds(10)).until(() -> types().contains("account.auth_failed"));
        int refusedBefore = refusedPolls();
        Awaitility.await("three more refused polls").atMost(Duration.ofSeconds(15)).until(() -> refusedPolls() >= refusedBefore + 3);
        assertThat(types()).as("one event for one transition, however many polls are refused")
                .containsExactly("account.connected", "account.auth_failed");
        JsonNode failed = lifecycle().get(1);
        assertThat(failed.at("/data/status").asText()).isEqualTo("AUTH_FAILED");
        assertThat(failed.at("/data/reason").asText()).as("the PMS's answer").contains("401");
        JsonNode shown = api.get("/v2/accounts/" + ID, TestRuntime.TOKEN).json().get("data");
        assertThat(shown.get("status").asText()).isEqualTo("AUTH_FAILED");
        assertThat(shown.get("statusReason").asText()).contains("401");
        assertThat(ids(api.get("/v2/accounts?status=AUTH_FAILED", TestRuntime.TOKEN).json())).containsExactly(ID);

        // the new key, given by PATCH: checked, stored, recovered at once; polling resumes and a new message arrives
        ApiClient.Answer rotated = api.patch("/v2/accounts/" + ID, TestRuntime.TOKEN,
                "{\"credentials\":{\"apiKey\":\"smoobu-key-reissued-" + ID + "\"}}");
        assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
        assertThat(rotated.json().at("/data/status").asText()).isEqualTo("ACTIVE");
        String guest = sim.addMessage("smoobu", ID, thread, "are you there again?", true).path("id").asText();
        Awaitility.await("a new message after the recovery").atMost(Duration.ofSeconds(15)).until(() -> conversationEvents().stream()
                .anyMatch(e -> e.path("newMessageIds").toString().contains(guest)));
        // (queued at the PATCH; a sink's drain delivers it, independently of the conversation's events)
        Awaitility.await("account.recovered").atMost(Duration.ofSeconds(10)).until(() -> types().contains("account.recovered"));
        assertThat(types()).containsExactly("account.connected", "account.auth_failed", "account.recovered");
        assertThat(lifecycle().get(2).at("/data/status").asText()).isEqualTo("ACTIVE");

        ApiClient.Answer removed = api.delete("/v2/accounts/" + ID, TestRuntime.TOKEN);
        assertThat(removed.status()).as(removed.text()).isEqualTo(200);
        Awaitility.await("account.removed").atMost(Duration.ofSeconds(10)).until(() -> types().contains("account.removed"));
        assertThat(types()).containsExactly("account.connected", "account.auth_failed", "account.recovered", "account.removed");
        assertThat(lifecycle().get(3).at("/data/status").asText()).isEqualTo("REMOVED");
        assertThat(lifecycle()).extracting(e -> e.get("id").asText()).as("stable, distinct ids").doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith("acc-"));
        // the account's own sinks got them too, beside its conversation events; the filtered sink got nothing else
        // (each sink's drain delivers on its own: the account's may come a moment after the lifecycle sink's)
        Awaitility.await("account.removed in the account's own sink").atMost(Duration.ofSeconds(10))
                .until(() -> events(ID).stream().anyMatch(e -> e.get("type").asText().equals("account.removed")));
        assertThat(events(ID)).extracting(e -> e.get("type").asText()).filteredOn(t -> t.startsWith("account."))
                .containsExactly("account.connected", "account.auth_failed", "account.recovered", "account.removed");
        assertThat(Files.exists(lifecycleDir().resolve("conversations"))).as("no conversation document for an account event").isFalse();
        String all = Files.readString(outDir().resolve("events").resolve(ID + ".ndjson")) + lifecycle();
        assertThat(all).doesNotContain(KEY).doesNotContain("smoobu-key-reissued");
    }

    /**
     * No new key: the PMS refuses the account's key for a while (a host's key suspended, then restored) and then accepts
     * the same key again: the next good poll recovers the account by itself, with one {@code account.recovered}.
     */
    @Test
    void aGoodPollRecoversAnAccountWhoseKeyThePmsAcceptsAgain() throws Exception {
        String id = "sm-life-2";
        String key = "smoobu-key-" + id;
        SimAccount pmsSide = sim.source("smoobu").seed(id, 1, 1);
        awaitFirstPolls();
        ApiClient api = new ApiClient(apiPort);
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", id).put("source", "smoobu").put("baseUrl", sim.baseUrl("smoobu"));
        body.putObject("credentials").put("apiKey", key);
        body.putObject("schedule").put("every", "1s");
        ApiClient.Answer created = api.post("/v2/accounts", TestRuntime.TOKEN, body.toString(), Map.of());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Awaitility.await("account.connected").atMost(Duration.ofSeconds(10)).until(() -> types(id).contains("account.connected"));

        pmsSide.credentials.put("apiKey", "smoobu-key-suspended-" + id);
        Awaitility.await("account.auth_failed").atMost(Duration.ofSeconds(10)).until(() -> types(id).contains("account.auth_failed"));
        assertThat(api.get("/v2/accounts/" + id, TestRuntime.TOKEN).json().at("/data/status").asText()).isEqualTo("AUTH_FAILED");

        pmsSide.credentials.put("apiKey", key);
        Awaitility.await("account.recovered by a poll").atMost(Duration.ofSeconds(15)).until(() -> types(id).contains("account.recovered"));
        assertThat(types(id)).containsExactly("account.connected", "account.auth_failed", "account.recovered");
        assertThat(api.get("/v2/accounts/" + id, TestRuntime.TOKEN).json().at("/data/status").asText()).isEqualTo("ACTIVE");
    }

    private Path lifecycleDir() {
        return Path.of("target", "lifecycle-test", getClass().getSimpleName() + "-" + ProcessHandle.current().pid());
    }

    /** What the filtered sink received for the account, in order. */
    private List<JsonNode> lifecycle() throws IOException {
        return lifecycle(ID);
    }

    private List<JsonNode> lifecycle(String accountId) throws IOException {
        Path log = lifecycleDir().resolve("events").resolve(accountId + ".ndjson");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    private List<String> types() throws IOException {
        return types(ID);
    }

    private List<String> types(String accountId) throws IOException {
        return lifecycle(accountId).stream().map(e -> e.get("type").asText()).toList();
    }

    private List<JsonNode> conversationEvents() {
        return events(ID).stream().filter(e -> e.get("type").asText().startsWith("conversation.")).toList();
    }

    /** The account's polls that failed (the simulated Smoobu records no request it refuses: the runtime's own count). */
    private int refusedPolls() {
        var s = pms.sync().status().get(ID);
        return s == null ? 0 : s.failedPolls();
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new java.util.ArrayList<>();
        page.get("data").forEach(x -> out.add(x.get("id").asText()));
        return out;
    }
}
