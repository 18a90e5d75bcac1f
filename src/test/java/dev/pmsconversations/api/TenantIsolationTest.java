package dev.pmsconversations.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.OpenApi;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.TestRuntime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation as a property of the whole API: a token limited to hostaway-1 can neither read nor change anything of
 * another account, through any /v2 operation the OpenAPI document lists (a new operation without a case here fails the
 * test). Every answer is 403 FORBIDDEN as docs/api.md promises, and nothing of the other accounts changed.
 */
class TenantIsolationTest extends RuntimeTestSupport {
    private static final String SCOPED = TestRuntime.SCOPED_TOKEN; // limited to hostaway-1
    private static final String FOREIGN_ACCOUNT = "smoobu-1";
    private static final String FOREIGN_CONVERSATION = "292"; // smoobu-1's fixture conversation (reservation 292)

    private ApiClient api;

    @Override
    protected boolean withApi() {
        return true;
    }

    @Test
    void aLimitedTokenCanNeitherReadNorChangeAnotherAccount() {
        awaitFirstPolls();
        api = new ApiClient(apiPort);
        // things of smoobu-1 that exist: a send made with the full token, a dead letter of a thread
        ApiClient.Answer foreignSend = api.post("/v2/conversations/" + FOREIGN_CONVERSATION + "/messages", TestRuntime.TOKEN,
                "{\"body\":\"from the operator\"}", Map.of("Idempotency-Key", "operator-1"));
        assertThat(foreignSend.status()).as(foreignSend.text()).isEqualTo(202);
        String foreignOutboxId = foreignSend.json().at("/data/id").asText();
        pms.store().readFailures().record("smoobu", FOREIGN_ACCOUNT, "mapping", FOREIGN_CONVERSATION, "messages.senderType",
                "unknown value '2'", "{}");
        long foreignDeadLetter = pms.store().readFailures().open(Set.of(FOREIGN_ACCOUNT)).get(0).id();
        String foreignCursor = pms.store().cursor(FOREIGN_ACCOUNT).orElse(null);

        String send = "{\"body\":\"wrong guest\"}";
        Map<String, Supplier<ApiClient.Answer>> cases = new LinkedHashMap<>();
        cases.put("GET /v2/conversations", () -> api.get("/v2/conversations?accountId=" + FOREIGN_ACCOUNT, SCOPED));
        cases.put("POST /v2/conversations", () -> api.post("/v2/conversations", SCOPED,
                "{\"conversationId\":\"" + FOREIGN_CONVERSATION + "\",\"body\":\"wrong guest\"}", Map.of()));
        cases.put("GET /v2/conversations/{id}", () -> api.get("/v2/conversations/" + FOREIGN_CONVERSATION, SCOPED));
        cases.put("GET /v2/conversations/reservation/{reservationId}", () -> api.get("/v2/conversations/reservation/292", SCOPED));
        cases.put("POST /v2/conversations/{id}/messages", () -> api.post("/v2/conversations/" + FOREIGN_CONVERSATION + "/messages",
                SCOPED, send, Map.of()));
        cases.put("GET /v2/outbox/{id}", () -> api.get("/v2/outbox/" + foreignOutboxId, SCOPED));
        cases.put("GET /v2/dead-letters", () -> api.get("/v2/dead-letters?accountId=" + FOREIGN_ACCOUNT, SCOPED));
        cases.put("POST /v2/dead-letters/replay", () -> api.post("/v2/dead-letters/replay", SCOPED,
                "{\"kind\":\"read\",\"id\":" + foreignDeadLetter + "}", Map.of()));
        cases.put("POST /v2/accounts/{id}/resync", () -> api.post("/v2/accounts/" + FOREIGN_ACCOUNT + "/resync", SCOPED, "", Map.of()));
        cases.put("GET /v2/status", () -> api.get("/v2/status?accountId=" + FOREIGN_ACCOUNT, SCOPED));
        cases.put("GET /v2/accounts/{id}", () -> api.get("/v2/accounts/" + FOREIGN_ACCOUNT, SCOPED));
        // creating, changing and removing accounts is an operator's (a token for every account): refused even for its own
        cases.put("POST /v2/accounts", () -> api.post("/v2/accounts", SCOPED, "{\"source\":\"hostaway\",\"credentials\":{}}", Map.of()));
        cases.put("PATCH /v2/accounts/{id}", () -> api.patch("/v2/accounts/" + FOREIGN_ACCOUNT, SCOPED, "{\"paused\":true}"));
        cases.put("DELETE /v2/accounts/{id}", () -> api.delete("/v2/accounts/" + FOREIGN_ACCOUNT, SCOPED));
        // so is a connect link (it creates an account)
        cases.put("POST /v2/connect-sessions", () -> api.post("/v2/connect-sessions", SCOPED,
                "{\"source\":\"smoobu\",\"redirectUrl\":\"http://127.0.0.1/done\"}", Map.of()));

        // the list is the one operation that answers a limited token: with its own accounts only (below)
        assertThat(cases.keySet()).as("every /v2 operation of the OpenAPI document has a case").containsExactlyInAnyOrderElementsOf(
                v2Operations().stream().filter(op -> !op.equals("GET /v2/accounts")).toList());
        assertThat(v2Operations()).contains("GET /v2/accounts");
        Map<String, String> answers = new LinkedHashMap<>();
        cases.forEach((operation, call) -> {
            ApiClient.Answer a = call.get();
            answers.put(operation, a.status() + " " + a.json().at("/error/code").asText());
        });
        assertThat(answers).as("each operation on another account's things").allSatisfy((op, answer) -> assertThat(answer).isEqualTo("403 FORBIDDEN"));

        // the same through the id alone (no account named): the realtime read does not reach the PMS either
        assertThat(api.get("/v2/conversations/" + FOREIGN_CONVERSATION + "?realtime=true", SCOPED).status()).isEqualTo(403);
        assertThat(api.post("/v2/dead-letters/replay", SCOPED, "{\"id\":" + foreignDeadLetter + ",\"kind\":\"read\"}", Map.of()).status())
                .isEqualTo(403);

        // what a limited token lists holds only its own account's things
        assertThat(api.get("/v2/conversations", SCOPED).json().get("data")).allSatisfy(c ->
                assertThat(c.get("accountId").asText()).isEqualTo("hostaway-1"));
        assertThat(api.get("/v2/dead-letters", SCOPED).json().get("data")).isEmpty();
        assertThat(api.get("/v2/accounts", SCOPED).json().get("data")).extracting(a -> a.get("id").asText()).containsExactly("hostaway-1");
        assertThat(api.get("/v2/status", SCOPED).text()).doesNotContain(FOREIGN_ACCOUNT, "guesty-1");

        // and nothing of smoobu-1 changed: no send queued by the limited token, the dead letter not replayed, no resync
        assertThat(pms.store().jdbc().list("select body from outbox where account_id = ?", rs -> rs.getString(1), FOREIGN_ACCOUNT))
                .containsExactly("from the operator");
        assertThat(pms.store().jdbc().list("select count(*) from outbox where body = 'wrong guest'", rs -> rs.getInt(1))).containsExactly(0);
        assertThat(pms.store().readFailures().find(foreignDeadLetter).orElseThrow().status()).isEqualTo("OPEN");
        assertThat(pms.store().cursor(FOREIGN_ACCOUNT).orElse(null)).isEqualTo(foreignCursor);
        assertThat(pms.store().conversation(FOREIGN_ACCOUNT, FOREIGN_CONVERSATION).orElseThrow().marker()).isNotNull();
    }

    /**
     * The regression of the trial: a send by conversation id alone, where the id is another account's conversation, was
     * queued on the token's own account (and would have reached that account's guest of the same id).
     */
    @Test
    void aSendToAnotherAccountsConversationIsRefusedNotRedirected() {
        awaitFirstPolls();
        api = new ApiClient(apiPort);
        ApiClient.Answer a = api.post("/v2/conversations/" + FOREIGN_CONVERSATION + "/messages", SCOPED, "{\"body\":\"hello\"}", Map.of());
        assertThat(a.status()).as(a.text()).isEqualTo(403);
        assertThat(OpenApi.problems("POST", "/v2/conversations/{id}/messages", a.status(), a.json())).isEmpty();
        assertThat(a.json().at("/error/message").asText()).contains("conversation '292'", "scoped").doesNotContain(FOREIGN_ACCOUNT);
        assertThat(pms.store().jdbc().list("select count(*) from outbox", rs -> rs.getInt(1))).containsExactly(0);
        // the token's own conversation is still reachable, and reading a foreign one is 403 (docs/api.md), not 404
        assertThat(api.get("/v2/conversations/1406", SCOPED).status()).isEqualTo(200);
        assertThat(api.get("/v2/conversations/" + FOREIGN_CONVERSATION, SCOPED).status()).isEqualTo(403);
        assertThat(api.get("/v2/conversations/no-such-thread", SCOPED).status()).isEqualTo(404);
    }

    private static Set<String> v2Operations() {
        Set<String> out = new TreeSet<>();
        OpenApi.DOCUMENT.get("paths").fields().forEachRemaining(p -> {
            if (p.getKey().startsWith("/v2/")) {
                p.getValue().fieldNames().forEachRemaining(m -> {
                    if (List.of("get", "post", "put", "patch", "delete").contains(m)) {
                        out.add(m.toUpperCase() + " " + p.getKey());
                    }
                });
            }
        });
        return out;
    }
}
