package dev.pmsconversations.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.simulator.SimThread;
import dev.pmsconversations.simulator.SimWebhook;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.AccountsTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Accounts as a run-time resource (issue "Connections"): an account created through /v2/accounts is checked against the
 * PMS (the simulator's Hostaway refuses a wrong secret), stored with its credentials encrypted, polled on its own
 * schedule, paused, resumed, and removed with its data; the simulator's request log is the proof of what was polled.
 */
class AccountsApiTest extends AccountsTestSupport {
    private static final String ID = "ha-api-1";
    private static final String SECRET = "hostaway-secret-" + ID; // what the simulated Hostaway issued to this account
    private ApiClient api;

    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        // the management server on: the metrics of accounts created at run time
        return withKey(config.withManagement(new RuntimeConfig.ManagementConfig(true, "127.0.0.1", TestRuntime.freePort())),
                "accounts-test-key-0123456789abcdef");
    }

    @Test
    void anAccountCreatedThroughTheApiIsPolledPausedResumedAndRemoved() throws Exception {
        sim.source("hostaway").seed(ID, 2, 2);
        awaitFirstPolls();
        api = new ApiClient(apiPort);
        int notifiersAtStart = context.getManagementStrategy().getEventNotifiers().size();

        ApiClient.Answer created = api.post("/v2/accounts", TestRuntime.TOKEN, body(SECRET), Map.of());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode a = created.json().get("data");
        assertThat(a.get("id").asText()).isEqualTo(ID);
        assertThat(a.get("managedBy").asText()).isEqualTo("api");
        assertThat(a.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(a.at("/credentials/keys")).extracting(JsonNode::asText).containsExactly("clientId", "clientSecret");
        assertThat(a.at("/webhooks/path").asText()).isEqualTo("/webhooks/hostaway/" + ID);
        assertThat(created.text()).doesNotContain(SECRET);

        // polled on its schedule: both threads reach the file sink, as the simulator holds them
        Set<String> threads = sim.source("hostaway").account(ID).threads.stream().map(t -> t.id).collect(Collectors.toSet());
        Awaitility.await("the new account's threads delivered").atMost(Duration.ofSeconds(10))
                .until(() -> conversationIds(ID).containsAll(threads));
        SimThread first = sim.source("hostaway").account(ID).threads.get(0);
        String guest = sim.addMessage("hostaway", ID, first.id, "a question after connecting", true).path("id").asText();
        Awaitility.await("a later guest message delivered").atMost(Duration.ofSeconds(10)).until(() -> newMessageIds(ID).contains(guest));

        // no event notifier more than at start (Camel's HTTP summary adds two per route started later: dropped)
        assertThat(context.getManagementStrategy().getEventNotifiers()).as("event notifiers").hasSize(notifiersAtStart);

        // its meters, as the file's accounts have them
        Awaitility.await("its poll counter").atMost(Duration.ofSeconds(10)).until(() -> polled(ID) > 0);
        assertThat(org.apache.camel.health.HealthCheckRegistry.get(context).getCheck("pms-account-" + ID)).as("its health check").isPresent();

        // listed beside the configuration's accounts, filtered
        assertThat(ids(api.get("/v2/accounts?source=hostaway", TestRuntime.TOKEN))).containsExactly("ha-api-1", "hostaway-1");
        assertThat(ids(api.get("/v2/accounts?tag=vip", TestRuntime.TOKEN))).containsExactly(ID);
        assertThat(api.get("/v2/accounts?tag=vip", TestRuntime.TOKEN).json().at("/data/0/credentials/keys")).as("the listing's keys too")
                .extracting(JsonNode::asText).containsExactly("clientId", "clientSecret");
        assertThat(ids(api.get("/v2/accounts?externalRef=host-42", TestRuntime.TOKEN))).containsExactly(ID);
        assertThat(api.get("/v2/accounts/hostaway-1", TestRuntime.TOKEN).json().at("/data/managedBy").asText()).isEqualTo("config");
        JsonNode page = api.get("/v2/accounts?limit=2", TestRuntime.TOKEN).json();
        assertThat(ids(page)).hasSize(2);
        assertThat(ids(api.get("/v2/accounts?limit=200&cursor=" + page.at("/page/nextCursor").asText(), TestRuntime.TOKEN)))
                .as("the next page starts after the cursor").doesNotContainAnyElementsOf(ids(page)).hasSize(SOURCES.size() + 1 - 2);

        // a rotation with credentials the PMS refuses changes nothing
        ApiClient.Answer refused = api.patch("/v2/accounts/" + ID, TestRuntime.TOKEN, "{\"credentials\":{\"clientSecret\":\"wrong-secret\"}}");
        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("CREDENTIALS_REFUSED");
        assertThat(refused.text()).doesNotContain("wrong-secret");

        // paused: its poll route and trigger go, the PMS hears nothing more of it
        ApiClient.Answer paused = api.patch("/v2/accounts/" + ID, TestRuntime.TOKEN, "{\"paused\":true}");
        assertThat(paused.status()).as(paused.text()).isEqualTo(200);
        assertThat(paused.json().at("/data/status").asText()).isEqualTo("PAUSED");
        assertThat(context.getRoute("poll-" + ID)).isNull();
        int quiet = polls(ID);
        Awaitility.await("no poll while paused").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> polls(ID) == quiet);

        ApiClient.Answer resumed = api.patch("/v2/accounts/" + ID, TestRuntime.TOKEN, "{\"paused\":false,\"schedule\":{\"every\":\"2s\"}}");
        assertThat(resumed.status()).as(resumed.text()).isEqualTo(200);
        assertThat(resumed.json().at("/data/schedule/every").asText()).isEqualTo("2s");
        Awaitility.await("polled again once resumed").atMost(Duration.ofSeconds(10)).until(() -> polls(ID) > quiet);

        // no credential in the clear in the accounts table (the ciphertext is bound to the account id), nor in any other table
        String dump = dump("pms_account");
        assertThat(dump).contains(ID).doesNotContain(SECRET).doesNotContain("clientSecret");
        List<String> tables = new ArrayList<>();
        try (java.sql.Connection c = pms.store().dataSource().getConnection();
             java.sql.ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                tables.add("\"" + rs.getString("TABLE_NAME") + "\""); // as the store names it (H2: upper case, Flyway's lower)
            }
        }
        assertThat(tables).hasSizeGreaterThan(10);
        tables.forEach(t -> assertThat(dump(t)).as(t).doesNotContain(SECRET));

        // removed with its data: no route, no trigger, no rows, no request
        assertThat(pms.store().conversationCount(ID)).isPositive();
        ApiClient.Answer removed = api.delete("/v2/accounts/" + ID + "?purge=true", TestRuntime.TOKEN);
        assertThat(removed.status()).as(removed.text()).isEqualTo(200);
        assertThat(removed.json().at("/data/purged").asBoolean()).isTrue();
        assertThat(context.getRoute("poll-" + ID)).isNull();
        assertThat(api.get("/v2/accounts/" + ID, TestRuntime.TOKEN).status()).isEqualTo(404);
        assertThat(pms.store().conversationCount(ID)).isZero();
        assertThat(meters().find("pms_polls_total").tag("account", ID).functionCounter()).as("its meters removed").isNull();
        assertThat(org.apache.camel.health.HealthCheckRegistry.get(context).getCheck("pms-account-" + ID)).as("its health check removed").isEmpty();
        // the conversations' events are erased; its lifecycle events (no guest data) stay to be delivered
        assertThat(pms.store().jdbc().list("select distinct event_type from delivery where account_id = ?", rs -> rs.getString(1), ID))
                .containsExactlyInAnyOrder("account.connected", "account.removed");
        int last = polls(ID);
        Awaitility.await("no poll once removed").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> polls(ID) == last);
        // and it can be connected again under the same id
        assertThat(api.post("/v2/accounts", TestRuntime.TOKEN, body(SECRET), Map.of()).status()).isEqualTo(201);
    }

    /** The webhook receiver finds an account created at run time: polled once an hour, its new message comes by webhook. */
    @Test
    void anAccountCreatedThroughTheApiReceivesItsWebhooks() throws Exception {
        sim.source("hostaway").seed(ID, 1, 1);
        awaitFirstPolls();
        api = new ApiClient(apiPort);
        Map<String, String> hooks = TestRuntime.webhookSecrets("hostaway");
        ObjectNode b = bodyNode(SECRET);
        hooks.forEach(((ObjectNode) b.get("credentials"))::put);
        b.putObject("schedule").put("every", "1h");
        ApiClient.Answer created = api.post("/v2/accounts", TestRuntime.TOKEN, b.toString(), Map.of());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().at("/data/credentials/keys")).extracting(JsonNode::asText)
                .containsExactly("clientId", "clientSecret", "webhookPassword", "webhookUser");
        SimThread thread = sim.source("hostaway").account(ID).threads.get(0);
        Awaitility.await("its first poll delivered").atMost(Duration.ofSeconds(10)).until(() -> conversationIds(ID).contains(thread.id));
        int polls = polls(ID);

        sim.registerWebhook("hostaway", ID, "http://127.0.0.1:" + apiPort + created.json().at("/data/webhooks/path").asText(), hooks);
        String guest = sim.addMessage("hostaway", ID, thread.id, "arrived by webhook", true).path("id").asText();
        Awaitility.await("the webhook's message delivered").atMost(Duration.ofSeconds(10)).until(() -> newMessageIds(ID).contains(guest));
        assertThat(sim.webhookCalls()).filteredOn(w -> w.account().equals(ID)).extracting(SimWebhook::status).allSatisfy(st -> assertThat(st).isBetween(200, 299));
        assertThat(polls(ID)).as("no poll in between: the webhook brought it").isEqualTo(polls);
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndNothingIsStored() {
        sim.source("hostaway").seed(ID, 1, 1);
        awaitFirstPolls();
        api = new ApiClient(apiPort);
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("refused by the PMS", answer(api.post("/v2/accounts", TestRuntime.TOKEN, body("not-the-secret"), Map.of())));
        answers.put("unknown source", answer(post(Map.of("source", "nopms"))));
        answers.put("missing credential", answer(post(Map.of("credentials", Map.of("clientId", ID)))));
        answers.put("unknown credential", answer(post(Map.of("credentials", Map.of("clientId", ID, "clientSecret", SECRET, "apiKey", "x")))));
        answers.put("bad schedule", answer(post(Map.of("schedule", Map.of("every", "soon")))));
        answers.put("bad cron", answer(post(Map.of("schedule", Map.of("cron", "every minute")))));
        answers.put("unknown sink", answer(post(Map.of("sinks", List.of("nowhere")))));
        answers.put("no messaging", answer(post(Map.of("source", "uplisting"))));
        answers.put("unknown field", answer(post(Map.of("password", "x"))));
        answers.put("id of a configured account", answer(post(Map.of("id", "hostaway-1"))));
        answers.put("bad id", answer(post(Map.of("id", "a b"))));
        answers.put("change a configured account", answer(api.patch("/v2/accounts/hostaway-1", TestRuntime.TOKEN, "{\"paused\":true}")));
        answers.put("remove a configured account", answer(api.delete("/v2/accounts/hostaway-1", TestRuntime.TOKEN)));
        answers.put("not JSON", answer(api.post("/v2/accounts", TestRuntime.TOKEN, "{", Map.of())));

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("refused by the PMS", "422 CREDENTIALS_REFUSED");
        expected.put("unknown source", "422 VALIDATION_ERROR 'source'");
        expected.put("missing credential", "422 VALIDATION_ERROR 'credentials'");
        expected.put("unknown credential", "422 VALIDATION_ERROR 'credentials.apiKey'");
        expected.put("bad schedule", "422 VALIDATION_ERROR 'schedule.every'");
        expected.put("bad cron", "422 VALIDATION_ERROR 'schedule.cron'");
        expected.put("unknown sink", "422 VALIDATION_ERROR 'sinks'");
        expected.put("no messaging", "422 VALIDATION_ERROR 'source'");
        expected.put("unknown field", "422 VALIDATION_ERROR 'password'");
        expected.put("id of a configured account", "409 CONFLICT");
        expected.put("bad id", "422 VALIDATION_ERROR 'id'");
        expected.put("change a configured account", "409 MANAGED_BY_CONFIG");
        expected.put("remove a configured account", "409 MANAGED_BY_CONFIG");
        expected.put("not JSON", "400 BAD_REQUEST");
        assertThat(answers).isEqualTo(expected);

        // the PMS's reason is passed on; the expected keys are named; nothing was stored
        assertThat(api.post("/v2/accounts", TestRuntime.TOKEN, body("not-the-secret"), Map.of()).json().at("/error/message").asText())
                .contains("401").doesNotContain("not-the-secret");
        assertThat(post(Map.of("credentials", Map.of("clientId", ID, "apiKey", "x"))).json().at("/error/message").asText())
                .contains("clientSecret", "webhookPassword", "webhookUser");
        assertThat(pms.store().jdbc().list("select count(*) from pms_account", rs -> rs.getInt(1))).containsExactly(0);
        assertThat(api.get("/v2/accounts/" + ID, TestRuntime.TOKEN).status()).isEqualTo(404);
    }

    /** A create body with the simulator's credentials for {@link #ID} and the secret given. */
    private String body(String secret) {
        return bodyNode(secret).toString();
    }

    private ObjectNode bodyNode(String secret) {
        ObjectNode b = Json.MAPPER.createObjectNode().put("id", ID).put("source", "hostaway").put("name", "Host 42's Hostaway")
                .put("externalRef", "host-42").put("baseUrl", sim.baseUrl("hostaway"));
        b.putObject("credentials").put("clientId", ID).put("clientSecret", secret);
        b.putObject("schedule").put("every", "1s");
        b.putArray("tags").add("vip");
        return b;
    }

    /** The good create body with {@code changes} over it. */
    private ApiClient.Answer post(Map<String, Object> changes) {
        ObjectNode b = bodyNode(SECRET);
        changes.forEach((k, v) -> b.set(k, Json.MAPPER.valueToTree(v)));
        return api.post("/v2/accounts", TestRuntime.TOKEN, b.toString(), Map.of());
    }

    /** "status CODE 'field'" of an error answer. */
    private static String answer(ApiClient.Answer a) {
        String message = a.json() == null ? "" : a.json().at("/error/message").asText();
        String field = message.startsWith("'") ? " " + message.substring(0, message.indexOf('\'', 1) + 1) : "";
        return a.status() + " " + (a.json() == null ? a.text() : a.json().at("/error/code").asText())
                + ("VALIDATION_ERROR".equals(a.json() == null ? null : a.json().at("/error/code").asText()) ? field : "");
    }

    private static List<String> ids(ApiClient.Answer a) {
        return ids(a.json());
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("data").forEach(x -> out.add(x.get("id").asText()));
        return out;
    }

    /** The conversation ids the file sink received for an account. */
    private Set<String> conversationIds(String accountId) {
        return events(accountId).stream().map(e -> e.at("/data/id").asText()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** How many polls of the account the simulated PMS saw begin (first pages of the conversation list). */
    private int polls(String accountId) {
        return (int) sim.requests("hostaway", accountId).stream()
                .filter(r -> r.path().equals("/v1/conversations") && r.query().getOrDefault("offset", "0").equals("0")).count();
    }

    private io.micrometer.core.instrument.MeterRegistry meters() {
        return context.getRegistry().findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
    }

    /** The account's pms_polls_total, 0 without the meter. */
    private double polled(String accountId) {
        var counter = meters().find("pms_polls_total").tag("account", accountId).functionCounter();
        return counter == null ? 0 : counter.count();
    }

    /** Every row of a table as text, every column. */
    private String dump(String table) {
        return String.join("\n", pms.store().jdbc().list("select * from " + table, rs -> {
            ResultSetMetaData meta = rs.getMetaData();
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                row.append(meta.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
            }
            return row.toString();
        }));
    }
}
