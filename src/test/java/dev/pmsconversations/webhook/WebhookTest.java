package dev.pmsconversations.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.simulator.SimWebhook;
import dev.pmsconversations.testing.OpenApi;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Webhooks over real HTTP: the simulator sends them the PMS's way (signed, Basic auth or URL token) when a
 * guest writes; the runtime must deliver each new message exactly once, whatever the repeats, and refuse
 * what is not authentic without storing anything.
 */
class WebhookTest extends RuntimeTestSupport {
    @Override
    protected boolean withApi() {
        return true;
    }

    private List<JsonNode> eventsWith(String account, String messageId) {
        return events(account).stream().filter(e -> e.get("newMessageIds").toString().contains("\"" + messageId + "\"")).toList();
    }

    private int storedWebhooks() throws Exception {
        try (Connection c = pms.store().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from webhook_event")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private SimWebhook awaitWebhookCall(int index) {
        await().atMost(Duration.ofSeconds(20)).until(() -> sim.webhookCalls().size() > index);
        return sim.webhookCalls().get(index);
    }

    private String messageId(String source, JsonNode added) {
        return added.get(sim.source(source).idField()).asText();
    }

    @ParameterizedTest
    @MethodSource("dev.pmsconversations.testing.RuntimeTestSupport#sourcesWithWebhooks")
    void aGuestMessageWebhookIsDeliveredOnceEvenWhenReplayedAndPolled(String source) throws Exception {
        awaitFirstPolls();
        String account = source + "-1";
        JsonNode added = sim.addMessage(source, account, fixtureThread(source), "Can we bring our dog?", true);
        String id = messageId(source, added);
        SimWebhook call = awaitWebhookCall(0);
        assertThat(call.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsWith(account, id).size() == 1);
        JsonNode event = eventsWith(account, id).get(0);
        assertThat(event.get("type").asText()).isEqualTo("conversation.updated");
        assertThat(event.at("/data/messages/0/body").asText()).isEqualTo("Can we bring our dog?");
        assertThat(event.at("/data/messages/0/senderType").asText()).isEqualTo("Guest");
        int stored = storedWebhooks();

        // the PMS repeats the delivery three times: recognised, answered 200, nothing more delivered
        for (int i = 0; i < 3; i++) {
            assertThat(sim.replay(call)).isEqualTo(200);
        }
        poll(account); // and polling the same change delivers nothing more either
        assertThat(storedWebhooks()).isEqualTo(stored);
        // nothing is pending: repeats are not queued (the stored count is unchanged) and the poll ran synchronously
        assertThat(eventsWith(account, id)).hasSize(1);
        assertThat(events(account).stream().filter(e -> e.get("id").asText().equals(event.get("id").asText()))).hasSize(1);

        // the guest writes again at once: that webhook reads the thread again, though the thread's updated time
        // (to the second at most PMSs) may not have moved since the poll
        String second = messageId(source, sim.addMessage(source, account, fixtureThread(source), "And our cat?", true));
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsWith(account, second).size() == 1);
        assertThat(eventsWith(account, second).get(0).at("/data/messages").toString()).contains("And our cat?");
    }

    @org.junit.jupiter.api.Test
    void staleSignaturesBrokenPayloadsAndUnknownAccountsAreRefusedClearly() throws Exception {
        awaitFirstPolls();
        var client = new dev.pmsconversations.testing.ApiClient(apiPort);
        String template = "/webhooks/{source}/{accountId}";
        // Guesty (Svix): a correctly signed delivery whose timestamp is 10 minutes old is a replay
        String body = "{\"event\":\"reservation.messageReceived\",\"conversation\":{\"_id\":\"60b337646b754a002f4a1a76\"}}";
        String ts = Long.toString(java.time.Instant.now().minusSeconds(600).getEpochSecond());
        String secret = dev.pmsconversations.testing.TestRuntime.webhookSecrets("guesty").get("webhookSecret");
        var stale = client.post("/webhooks/guesty/guesty-1", null, body, Map.of("svix-id", "msg_old", "svix-timestamp", ts,
                "svix-signature", "v1," + dev.pmsconversations.simulator.PmsSimulator.svixSignature(secret, "msg_old", ts, body)));
        assertThat(stale.status()).isEqualTo(401);
        assertThat(stale.json().at("/error/message").asText()).contains("tolerance");
        // Hostaway: authentic but not JSON -> 400 and a dead letter naming source and account
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("hook-user:hook-password-hostaway".getBytes());
        var broken = client.post("/webhooks/hostaway/hostaway-1", null, "{\"event\": \"message.received\", ", Map.of("Authorization", basic));
        assertThat(broken.status()).isEqualTo(400);
        assertThat(OpenApi.problems("POST", template, 400, broken.json())).isEmpty();
        assertThat(pms.store().deadLetters("hostaway-1")).singleElement()
                .satisfies(d -> assertThat(d.reason()).contains("source 'hostaway'", "account 'hostaway-1'", "not a JSON object"));
        // authentic, but without the conversation id -> 422 naming the field, dead-lettered
        var noId = client.post("/webhooks/hostaway/hostaway-1", null, "{\"event\":\"message.received\",\"data\":{}}", Map.of("Authorization", basic));
        assertThat(noId.status()).isEqualTo(422);
        assertThat(noId.json().at("/error/message").asText()).contains("/data/conversationId");
        // an event that is not about messages is acknowledged and ignored
        var other = client.post("/webhooks/hostaway/hostaway-1", null, "{\"event\":\"reservation.created\",\"data\":{}}", Map.of("Authorization", basic));
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.json().at("/data/status").asText()).isEqualTo("IGNORED");
        assertThat(OpenApi.problems("POST", template, 200, other.json())).isEmpty();
        // unknown account, or an account of another source
        assertThat(client.post("/webhooks/hostaway/nobody", null, "{}", Map.of()).status()).isEqualTo(404);
        assertThat(client.post("/webhooks/guesty/hostaway-1", null, "{}", Map.of()).status()).isEqualTo(404);
        assertThat(storedWebhooks()).isZero();
    }

    @ParameterizedTest
    @MethodSource("dev.pmsconversations.testing.RuntimeTestSupport#sourcesWithWebhooks")
    void aBadlySignedWebhookIsRefusedAndNothingIsStored(String source) throws Exception {
        awaitFirstPolls();
        String account = source + "-1";
        String genuineId = messageId(source, sim.addMessage(source, account, fixtureThread(source), "genuine", true));
        SimWebhook genuine = awaitWebhookCall(0);
        assertThat(genuine.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsWith(account, genuineId).size() == 1);
        int stored = storedWebhooks();
        int events = events(account).size();

        String forgedBody = genuine.body().replace("genuine", "forged");
        Map<String, String> headers = new LinkedHashMap<>(genuine.headers());
        String url = genuine.url();
        switch (source) {
            case "hostaway", "ownerrez", "resly", "rentalwise" -> headers.put("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("hook-user:guess".getBytes()));
            case "guesty", "lodgify", "hospitable", "bookingsync" -> { } // same headers, changed body: the signature no longer matches
            case "beds24" -> headers.put("X-Webhook-Token", "wrong");
            case "hostex" -> headers.put("Hostex-Webhook-Secret-Token", "wrong");
            // Hostify's token travels inside the SNS message
            case "hostify", "fantasticstay" -> forgedBody = forgedBody.replace(dev.pmsconversations.testing.TestRuntime.webhookSecrets(source).get("webhookToken"), "wrong");
            default -> url = url.replaceAll("token=[^&]+", "token=wrong");
        }
        String template = "/webhooks/{source}/{accountId}";
        var client = new dev.pmsconversations.testing.ApiClient(apiPort);
        String path = url.substring(url.indexOf("/webhooks/"));
        headers.remove("Content-Type");
        var answer = client.post(path, null, forgedBody, headers);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(OpenApi.problems("POST", template, answer.status(), answer.json())).isEmpty();
        assertThat(answer.json().at("/error/message").asText()).doesNotContain("hook-password", "whsec_", "hook-token", "subscription-secret");
        // without any credentials at all
        assertThat(client.post(path.replaceAll("\\?.*", ""), null, forgedBody, Map.of()).status()).isEqualTo(401);
        assertThat(storedWebhooks()).isEqualTo(stored);
        assertThat(pms.store().deadLetters(account)).isEmpty();
        assertThat(events(account)).hasSize(events);
    }
}
