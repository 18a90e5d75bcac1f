package dev.pmsconversations.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.simulator.SimAccount;
import dev.pmsconversations.simulator.SimFault;
import dev.pmsconversations.simulator.SimWebhook;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.AccountsTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Webhooks subscribed for the user (issue "Connections"): with {@code api.publicUrl} set, an account created through the API
 * of a PMS that has a subscription API is subscribed through it (the simulated PMS then really calls the receiver: a new
 * guest message arrives with no poll in between, its hourly schedule notwithstanding); the secrets the PMS authenticates
 * with are made by the runtime or issued by the PMS, kept encrypted and never answered; DELETE removes the subscription at
 * the PMS (no call after). A PMS that refuses the subscription leaves nothing: 502, no account, no subscription.
 */
class WebhookSubscriptionTest extends AccountsTestSupport {

    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        RuntimeConfig.ApiConfig a = config.api();
        return withKey(config.withApi(a.withPublicUrl("http://127.0.0.1:" + apiPort, a.connect())), "subscription-test-key-0123456789ab");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "hostaway,  wh-ha-1, webhookPassword;webhookUser",  // Basic login made by the runtime
        "lodgify,   wh-lo-1, webhookSecret",                 // signing secret issued by the PMS in its answer
        "guesty,    wh-gu-1, webhookSecret",                 // Svix secret issued by the PMS at a call of its own
        "hostfully, wh-hf-1, webhookToken",                  // a token in the callback URL, made by the runtime
        "rentalwise, wh-rw-1, webhookPassword;webhookUser"   // Basic login made by the runtime, in a nested auth_data
    })
    void anAccountCreatedThroughTheApiIsSubscribedAndUnsubscribedAtThePms(String source, String id, String secretKeys) throws Exception {
        SimAccount pmsSide = sim.source(source).seed(id, 1, 1);
        awaitFirstPolls();
        ApiClient api = new ApiClient(apiPort);

        ApiClient.Answer created = api.post("/v2/accounts", TestRuntime.TOKEN, body(source, id, pmsSide).toString(), Map.of());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode hooks = created.json().at("/data/webhooks");
        String subscription = sim.webhookSubscription(source, id);
        assertThat(subscription).as("subscribed at the PMS").isNotNull();
        assertThat(hooks.get("state").asText()).isEqualTo("SUBSCRIBED");
        assertThat(hooks.get("subscriptionId").asText()).endsWith(subscription);
        assertThat(hooks.get("url").asText()).isEqualTo("http://127.0.0.1:" + apiPort + "/webhooks/" + source + "/" + id);
        assertThat(created.json().at("/data/credentials/keys").toString()).contains(secretKeys.split(";"));

        String thread = pmsSide.threads.get(0).id;
        Awaitility.await("its first poll delivered").atMost(Duration.ofSeconds(10))
                .until(() -> events(id).stream().anyMatch(e -> e.at("/data/id").asText().equals(thread)));
        // (the poll's outcome is recorded after its deliveries)
        Awaitility.await("its first poll recorded").atMost(Duration.ofSeconds(10)).until(() -> pms.sync().status().get(id) != null);
        int polls = pms.sync().status().get(id).polls();
        JsonNode added = sim.addMessage(source, id, thread, "arrived through the subscription", true);
        // the message's own id: Hostaway's and Lodgify's "id", Hostfully's "uid", Guesty's "_id"
        String guest = added.has("id") ? added.get("id").asText() : added.has("uid") ? added.get("uid").asText() : added.path("_id").asText();
        Awaitility.await("the webhook's message delivered").atMost(Duration.ofSeconds(10)).until(() -> newMessageIds(id).contains(guest));
        List<SimWebhook> calls = sim.webhookCalls().stream().filter(w -> w.account().equals(id)).toList();
        assertThat(calls).isNotEmpty().extracting(SimWebhook::status).allSatisfy(st -> assertThat(st).isBetween(200, 299));
        assertThat(pms.sync().status().get(id).polls()).as("no poll in between: the webhook brought it").isEqualTo(polls);
        assertThat(created.text() + api.get("/v2/accounts/" + id, TestRuntime.TOKEN).text()).doesNotContain("lodgify-whsec-", "whsec_", "?token=");

        ApiClient.Answer removed = api.delete("/v2/accounts/" + id, TestRuntime.TOKEN);
        assertThat(removed.status()).as(removed.text()).isEqualTo(200);
        assertThat(removed.json().at("/data/webhookUnsubscribed").asBoolean()).isTrue();
        assertThat(sim.webhookSubscription(source, id)).as("the subscription is gone at the PMS").isNull();
        int before = sim.webhookCalls().size();
        sim.addMessage(source, id, thread, "after the account was removed", true);
        assertThat(sim.webhookCalls()).as("the PMS calls nobody for it").hasSize(before);
    }

    @Test
    void aRefusedSubscriptionLeavesNothing() {
        SimAccount pmsSide = sim.source("hostaway").seed("wh-ha-2", 1, 1);
        awaitFirstPolls();
        ApiClient api = new ApiClient(apiPort);
        sim.inject("hostaway", SimFault.status("unifiedWebhooks", 400), 1);

        ApiClient.Answer refused = api.post("/v2/accounts", TestRuntime.TOKEN, body("hostaway", "wh-ha-2", pmsSide).toString(), Map.of());
        assertThat(refused.status()).as(refused.text()).isEqualTo(502);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("WEBHOOK_SUBSCRIPTION_FAILED");
        assertThat(refused.json().at("/error/message").asText()).contains("400");
        assertThat(api.get("/v2/accounts/wh-ha-2", TestRuntime.TOKEN).status()).isEqualTo(404);
        assertThat(pms.store().jdbc().list("select count(*) from pms_account", rs -> rs.getInt(1))).containsExactly(0);
        assertThat(sim.webhookSubscription("hostaway", "wh-ha-2")).isNull();

        // without a subscription, on request: created, and the answer says what to register by hand
        ObjectNode manual = body("hostaway", "wh-ha-2", pmsSide);
        manual.putObject("webhooks").put("subscribe", false);
        ApiClient.Answer created = api.post("/v2/accounts", TestRuntime.TOKEN, manual.toString(), Map.of());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().at("/data/webhooks/state").asText()).isEqualTo("MANUAL");
        assertThat(created.json().at("/data/webhooks/note").asText()).contains("/webhooks/hostaway/wh-ha-2", "Unified webhooks");
    }

    /** A create body with the credentials the simulated PMS issued the account, polled hourly. */
    private ObjectNode body(String source, String id, SimAccount pmsSide) {
        ObjectNode b = Json.MAPPER.createObjectNode().put("id", id).put("source", source).put("baseUrl", sim.baseUrl(source));
        ObjectNode c = b.putObject("credentials");
        pmsSide.credentials.forEach(c::put);
        b.putObject("schedule").put("every", "1h");
        return b;
    }
}
