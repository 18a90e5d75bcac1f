package dev.pmsconversations.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.Fixtures;
import dev.pmsconversations.testing.OpenApi;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.Schemas;
import dev.pmsconversations.testing.TestRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The REST API over real HTTP on the synced store. Every answer is checked against the OpenAPI document
 * the runtime serves, so the document cannot drift from what the API really returns.
 */
class ConversationApiTest extends RuntimeTestSupport {
    private static final String TOKEN = TestRuntime.TOKEN;
    private ApiClient api;

    @Override
    protected boolean withApi() {
        return true;
    }

    private void start(int extraHostawayThreads) {
        if (extraHostawayThreads > 0) {
            sim.source("hostaway").seed("hostaway-1", extraHostawayThreads, 2);
        }
        awaitFirstPolls();
        api = new ApiClient(apiPort);
    }

    /** GET checked against the OpenAPI document. */
    private ApiClient.Answer get(String path, String template, String token) {
        ApiClient.Answer a = api.get(path, token);
        assertThat(OpenApi.problems("GET", template, a.status(), a.json())).as("GET " + path + " -> " + a.text()).isEmpty();
        return a;
    }

    private ApiClient.Answer post(String path, String template, String body, Map<String, String> headers) {
        ApiClient.Answer a = api.post(path, TOKEN, body, headers);
        assertThat(OpenApi.problems("POST", template, a.status(), a.json())).as("POST " + path + " -> " + a.text()).isEmpty();
        return a;
    }

    /** The newest of a fixture conversation's updatedAt and message times (what updatedSince filters on). */
    private static String lastActivity(JsonNode conversation) {
        String newest = conversation.path("updatedAt").asText("");
        for (JsonNode m : conversation.path("messages")) {
            for (String t : List.of(m.path("createdAt").asText(""), m.path("updatedAt").asText(""))) {
                newest = t.compareTo(newest) > 0 ? t : newest;
            }
        }
        return newest;
    }

    private static List<String> ids(ApiClient.Answer a) {
        List<String> out = new ArrayList<>();
        a.json().get("data").forEach(c -> out.add(c.get("id").asText()));
        return out;
    }

    @Test
    void paginationWalksEveryConversationOnceWhileNewOnesArrive() {
        start(20);
        int total = 20 + dev.pmsconversations.testing.Fixtures.all().size(); // seeded + every golden fixture
        List<String> seen = new ArrayList<>();
        ApiClient.Answer page = get("/v2/conversations?limit=5", "/v2/conversations", TOKEN);
        seen.addAll(ids(page));
        // while the client walks: a conversation it has seen gets a new message, and new ones arrive
        String alreadySeen = seen.get(0);
        String account = pms.store().conversations(new dev.pmsconversations.store.StateStore.ConversationQuery(null, null, null,
                null, null, alreadySeen), 0, 1).get(0).accountId();
        sim.addMessage(account.replace("-1", ""), account, alreadySeen, "one more question", true);
        JsonNode fixture = Fixtures.of("hostaway").get(0).nativeBundle();
        for (int i = 1; i <= 3; i++) {
            ObjectNode copy = fixture.deepCopy();
            ((ObjectNode) copy.get("conversation")).put("id", 990000 + i);
            sim.source("hostaway").load("hostaway-1", copy);
        }
        poll("hostaway-1");
        poll(account);
        while (!page.json().get("nextCursor").isNull()) {
            page = get("/v2/conversations?limit=5&cursor=" + page.json().get("nextCursor").asText(), "/v2/conversations", TOKEN);
            seen.addAll(ids(page));
        }
        // every stored conversation exactly once (ids may repeat across accounts: compare as a multiset)
        List<String> stored = pms.store().conversations(new dev.pmsconversations.store.StateStore.ConversationQuery(null, null, null,
                null, null, null), 0, 1000).stream().map(dev.pmsconversations.store.StateStore.StoredConversation::conversationId).toList();
        assertThat(seen).hasSize(total + 3).containsExactlyInAnyOrderElementsOf(stored).contains("990001", "990002", "990003");
        // (among themselves in the order their reads ended: a poll reads several threads at once)
        assertThat(seen.subList(seen.size() - 3, seen.size())).as("new conversations come last").containsExactlyInAnyOrder("990001", "990002", "990003");
    }

    @Test
    void filtersAndLookupsServeTheSyncedConversations() {
        start(0);
        JsonNode expected = Fixtures.of("hostaway").get(0).expected();
        ApiClient.Answer one = get("/v2/conversations/1406", "/v2/conversations/{id}", TOKEN);
        assertThat(one.status()).isEqualTo(200);
        ObjectNode unified = one.json().get("data").deepCopy();
        assertThat(unified.remove("accountId").asText()).as("the API names the account and source").isEqualTo("hostaway-1");
        assertThat(unified.remove("source").asText()).isEqualTo("hostaway");
        assertThat(unified).isEqualTo(expected);
        assertThat(Schemas.conversationProblems(unified)).isEmpty();

        assertThat(ids(get("/v2/conversations?source=guesty", "/v2/conversations", TOKEN))).containsExactly("60b337646b754a002f4a1a76");
        assertThat(ids(get("/v2/conversations?accountId=smoobu-1", "/v2/conversations", TOKEN)))
                .containsExactlyInAnyOrderElementsOf(Fixtures.of("smoobu").stream().map(f -> f.expected().get("id").asText()).toList());
        assertThat(ids(get("/v2/conversations?propertyId=" + expected.get("propertyId").asText(), "/v2/conversations", TOKEN)))
                .containsExactly("1406");
        // updatedSince: the Hostaway, Hostify and FantasticStay fixtures are of 2018, the others of later years
        List<String> recent = ids(get("/v2/conversations?updatedSince=2020-01-01T00:00:00Z", "/v2/conversations", TOKEN));
        assertThat(recent).doesNotContain("1406", "5678").contains("60b337646b754a002f4a1a76", "292");
        long later = Fixtures.all().stream().filter(f -> lastActivity(f.expected()).compareTo("2020") > 0).count();
        assertThat(recent).hasSize((int) later);

        ApiClient.Answer byReservation = get("/v2/conversations/reservation/" + expected.get("reservationId").asText(),
                "/v2/conversations/reservation/{reservationId}", TOKEN);
        assertThat(ids(byReservation)).containsExactly("1406");
        assertThat(ids(get("/v2/conversations/reservation/nope", "/v2/conversations/reservation/{reservationId}", TOKEN))).isEmpty();

        ApiClient.Answer missing = get("/v2/conversations/nope", "/v2/conversations/{id}", TOKEN);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().at("/error/code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void realtimeReadsThePmsLive() {
        start(0);
        sim.unregisterWebhook("smoobu", "smoobu-1"); // its webhook could sync the message before the stored copy is read
        sim.addMessage("smoobu", "smoobu-1", "292", "live only", true);
        ApiClient.Answer stored = get("/v2/conversations/292", "/v2/conversations/{id}", TOKEN);
        assertThat(stored.json().at("/data/messages/0/body").asText()).isNotEqualTo("live only");
        ApiClient.Answer live = get("/v2/conversations/292?realtime=true", "/v2/conversations/{id}", TOKEN);
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().at("/data/messages/0/body").asText()).isEqualTo("live only");
        assertThat(live.json().at("/data/accountId").asText()).isEqualTo("smoobu-1");
        ObjectNode liveUnified = live.json().get("data").deepCopy();
        liveUnified.remove(List.of("accountId", "source"));
        assertThat(Schemas.conversationProblems(liveUnified)).isEmpty();
        ApiClient.Answer liveByReservation = get("/v2/conversations/reservation/292?realtime=true",
                "/v2/conversations/reservation/{reservationId}", TOKEN);
        assertThat(liveByReservation.json().at("/data/0/messages/0/body").asText()).isEqualTo("live only");
    }

    @Test
    void authFailuresAnswerWithTheErrorEnvelope() {
        start(0);
        ApiClient.Answer none = get("/v2/conversations", "/v2/conversations", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        ApiClient.Answer wrong = get("/v2/conversations", "/v2/conversations", TOKEN + "x");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.text()).doesNotContain(TOKEN);
        assertThat(get("/v2/conversations/1406", "/v2/conversations/{id}", null).status()).isEqualTo(401);
        assertThat(api.post("/v2/conversations", null, "{}", Map.of()).status()).isEqualTo(401);

        // a token limited to hostaway-1 sees only that account, and is refused the others
        String scoped = TestRuntime.SCOPED_TOKEN;
        assertThat(ids(get("/v2/conversations", "/v2/conversations", scoped))).containsExactly("1406");
        ApiClient.Answer forbidden = get("/v2/conversations?accountId=guesty-1", "/v2/conversations", scoped);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().at("/error/message").asText()).contains("guesty-1");
        assertThat(get("/v2/conversations/292", "/v2/conversations/{id}", scoped).status()).as("another account's: 403").isEqualTo(403);
        assertThat(get("/openapi.json", "/openapi.json", null).status()).isEqualTo(200);
    }

    @Test
    void validationErrorsNameTheField() {
        start(0);
        Map<String, String> reads = Map.of(
                "/v2/conversations?limit=0", "'limit'",
                "/v2/conversations?limit=abc", "'limit'",
                "/v2/conversations?cursor=bogus", "'cursor'",
                "/v2/conversations?updatedSince=yesterday", "'updatedSince'",
                "/v2/conversations/1406?realtime=maybe", "'realtime'");
        reads.forEach((path, field) -> {
            ApiClient.Answer a = get(path, path.startsWith("/v2/conversations/1406") ? "/v2/conversations/{id}" : "/v2/conversations", TOKEN);
            assertThat(a.status()).as(path).isEqualTo(422);
            assertThat(a.json().at("/error/code").asText()).isEqualTo("VALIDATION_ERROR");
            assertThat(a.json().at("/error/message").asText()).as(path).contains(field);
        });
        assertThat(get("/v2/conversations?accountId=nobody", "/v2/conversations", TOKEN).status()).isEqualTo(404);

        Map<String, String> sends = Map.of(
                "{\"reservationId\":\"2\",\"body\":\"hi\"}", "'conversationId'",
                "{\"conversationId\":\"1406\",\"reservationId\":\"2\"}", "'body'",
                "{\"conversationId\":\"1406\",\"body\":\"hi\",\"type\":\"FAX\"}", "'type'",
                "{\"conversationId\":\"1406\",\"body\":\"hi\",\"type\":\"EMAIL\"}", "'subject'",
                "{\"conversationId\":\"1406\",\"body\":\"hi\",\"attachments\":[{\"name\":\"a.pdf\",\"url\":\"ftp://x\"}]}", "'attachments",
                "{\"conversationId\":\"unknown-thread\",\"body\":\"hi\"}", "'accountId'",
                "{\"conversationId\":{\"x\":1},\"body\":\"hi\"}", "'conversationId'");
        sends.forEach((body, field) -> {
            ApiClient.Answer a = post("/v2/conversations", "/v2/conversations", body, Map.of());
            assertThat(a.status()).as(body).isEqualTo(422);
            assertThat(a.json().at("/error/message").asText()).as(body).contains(field);
        });
        ApiClient.Answer smoobuSms = post("/v2/conversations/292/messages", "/v2/conversations/{id}/messages",
                "{\"body\":\"hi\",\"type\":\"SMS\"}", Map.of());
        assertThat(smoobuSms.status()).isEqualTo(422);
        assertThat(smoobuSms.json().at("/error/message").asText()).contains("'type'", "Smoobu can send [CHANNEL, EMAIL]");
        ApiClient.Answer notJson = post("/v2/conversations", "/v2/conversations", "{nope", Map.of());
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().at("/error/message").asText()).contains("not valid JSON");
        // reusing an idempotency key for a different message is refused, not silently ignored
        assertThat(post("/v2/conversations/1406/messages", "/v2/conversations/{id}/messages", "{\"body\":\"first\"}",
                Map.of("Idempotency-Key", "reuse-1")).status()).isEqualTo(202);
        ApiClient.Answer reused = post("/v2/conversations/1406/messages", "/v2/conversations/{id}/messages", "{\"body\":\"second\"}",
                Map.of("Idempotency-Key", "reuse-1"));
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.json().at("/error/code").asText()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    }

    @Test
    void requestsOverTheSizeLimitAreRefused() {
        start(0);
        ApiClient.Answer big = api.post("/v2/conversations/1406/messages", TOKEN, "{\"body\":\"" + "x".repeat(70_000) + "\"}", Map.of());
        assertThat(big.status()).isEqualTo(413);
        assertThat(pms.outbox().get("none")).isEmpty();
    }

    @Test
    void theServedOpenApiDocumentEmbedsTheConversationSchema() throws Exception {
        start(0);
        ApiClient.Answer doc = get("/openapi.json", "/openapi.json", null);
        assertThat(doc.json().get("openapi").asText()).startsWith("3.");
        assertThat(doc.text()).as("served as it is").isEqualTo(Files.readString(Path.of("src/main/resources/api/openapi.json")));
        JsonNode schema = dev.pmsconversations.model.Json.MAPPER.readTree(Files.readString(Path.of("docs/schema/conversation.schema.json")));
        ((ObjectNode) schema).remove("$schema");
        assertThat(doc.json().at("/components/schemas/Conversation")).as("docs/schema and the OpenAPI copy agree").isEqualTo(schema);
        // the API's conversations: the same schema, plus the account and the source
        ObjectNode apiConversation = doc.json().at("/components/schemas/ApiConversation").deepCopy();
        assertThat(((com.fasterxml.jackson.databind.node.ArrayNode) apiConversation.get("required")).remove(schema.get("required").size() + 1).asText())
                .isEqualTo("source");
        assertThat(((com.fasterxml.jackson.databind.node.ArrayNode) apiConversation.get("required")).remove(schema.get("required").size()).asText())
                .isEqualTo("accountId");
        assertThat(((ObjectNode) apiConversation.get("properties")).remove(List.of("accountId", "source"))).isNotNull();
        apiConversation.remove(List.of("$id", "title", "description"));
        ObjectNode plain = schema.deepCopy();
        plain.remove(List.of("$id", "title", "description"));
        assertThat(apiConversation).as("ApiConversation = Conversation + accountId + source").isEqualTo(plain);
        Set<String> documented = new HashSet<>();
        doc.json().get("paths").fieldNames().forEachRemaining(documented::add);
        assertThat(documented).contains("/v2/conversations", "/v2/conversations/{id}", "/v2/conversations/reservation/{reservationId}",
                "/v2/conversations/{id}/messages", "/v2/outbox/{id}", "/webhooks/{source}/{accountId}");
    }
}
