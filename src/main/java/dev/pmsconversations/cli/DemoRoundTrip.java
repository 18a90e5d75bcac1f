package dev.pmsconversations.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.store.StateStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo's second half, after the first sync: per account, one guest message arrives by webhook and one
 * reply is sent through the REST API (outbox), as a user's system would; the demo waits until both are in
 * the synced conversation and reports them.
 */
final class DemoRoundTrip {
    private static final Set<String> WEBHOOK_CREDENTIALS = Set.of("webhookUser", "webhookPassword", "webhookSecret", "webhookToken");
    private final PmsSimulator simulator;
    private final RuntimeConfig config;
    // HTTP/1.1: the JDK client's h2c upgrade attempt against Vert.x once stalled past the request timeout in CI
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    record Result(String accountId, String webhookMessage, String sendStatus, String pmsMessageId) {
    }

    DemoRoundTrip(PmsSimulator simulator, RuntimeConfig config) {
        this.simulator = simulator;
        this.config = config;
    }

    /** Points each simulated account's webhooks at the runtime, with the secrets its configuration holds. */
    void registerWebhooks() {
        for (AccountConfig a : config.accounts()) {
            Map<String, String> secrets = new LinkedHashMap<>();
            a.credentials().forEach((k, v) -> {
                if (WEBHOOK_CREDENTIALS.contains(k)) {
                    secrets.put(k, v.reveal());
                }
            });
            if (!secrets.isEmpty() && simulator.sourceKeys().contains(a.source())) {
                simulator.registerWebhook(a.source(), a.id(), api() + "/webhooks/" + a.source() + "/" + a.id(), secrets);
            }
        }
    }

    List<Result> run(StateStore store) throws Exception {
        List<Result> results = new ArrayList<>();
        for (AccountConfig a : config.accounts()) {
            // a conversation the first sync delivered (sources with a date window do not read every simulated thread)
            String thread = store.conversations(new StateStore.ConversationQuery(Set.of(a.id()), null, null, null, null, null), 0, 1)
                    .stream().findFirst().map(StateStore.StoredConversation::conversationId)
                    .orElse(simulator.threadIds(a.source(), a.id()).get(0));
            JsonNode guest = simulator.addMessage(a.source(), a.id(), thread, "Is early check-in possible? (demo, by webhook)", true);
            String guestId = guest.path(simulator.source(a.source()).idField()).asText();
            HttpRequest post = HttpRequest.newBuilder(URI.create(api() + "/v2/conversations/" + thread + "/messages"))
                    .header("Authorization", "Bearer " + config.api().tokens().get(0).token().reveal())
                    .header("Content-Type", "application/json").header("Idempotency-Key", "demo-" + a.id())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"body\":\"Yes, from 1pm. (demo, sent through the API)\"}")).build();
            JsonNode accepted = Json.MAPPER.readTree(http.send(post, HttpResponse.BodyHandlers.ofString()).body());
            String outboxId = accepted.at("/data/id").asText();
            JsonNode entry = null;
            Instant deadline = Instant.now().plusSeconds(30);
            boolean guestSynced = false;
            while (Instant.now().isBefore(deadline)) {
                entry = get("/v2/outbox/" + outboxId);
                String snapshot = store.conversations(new StateStore.ConversationQuery(Set.of(a.id()), null, null, null, null, thread), 0, 1)
                        .stream().findFirst().map(StateStore.StoredConversation::snapshot).orElse("");
                guestSynced = snapshot.contains("\"" + guestId + "\"");
                String status = entry.at("/data/status").asText();
                if (guestSynced && (status.equals("SENT") || status.equals("FAILED"))) {
                    break;
                }
                Thread.sleep(200);
            }
            results.add(new Result(a.id(), guestSynced ? "delivered" : "NOT delivered", entry == null ? "?" : entry.at("/data/status").asText(),
                    entry == null ? null : entry.at("/data/pmsMessageId").asText(null)));
        }
        return results;
    }

    private JsonNode get(String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(api() + path))
                .header("Authorization", "Bearer " + config.api().tokens().get(0).token().reveal()).GET().build();
        return Json.MAPPER.readTree(http.send(r, HttpResponse.BodyHandlers.ofString()).body());
    }

    private String api() {
        return "http://127.0.0.1:" + config.api().port();
    }
}
