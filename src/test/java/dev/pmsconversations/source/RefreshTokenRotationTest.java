package dev.pmsconversations.source;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.limits.RequestPermits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.Secret;
import dev.pmsconversations.simulator.PmsSimulator;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * BookingSync (Doorkeeper) rotates refresh tokens: each refresh answers a new one and revokes the old one as soon as
 * the new access token is used. The rotated token must outlive the client (a restart), or the account is lost.
 */
class RefreshTokenRotationTest {

    @Test
    void theRotatedRefreshTokenIsKeptAndUsedAfterARestart() throws Exception {
        SourceDefinition source = SourceDefinition.load(Path.of("mappings/bookingsync.yaml"));
        try (PmsSimulator sim = new PmsSimulator(0, 3); DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            sim.source("bookingsync").seed("bs-1", 2, 2);
            AccountConfig account = dev.pmsconversations.testing.SimAccounts.config(sim, "bookingsync", "bs-1");
            RefreshTokens kept = RefreshTokens.inMemory();
            String configured = account.credentials().get("refreshToken").reveal();

            // first run: refresh with the configured token, then use the new access token (Doorkeeper revokes the old refresh token)
            AccountClient first = new AccountClient(source, account, new PmsHttp(camel, "test", RuntimeConfig.PmsHttpConfig.DEFAULT), kept, RequestPermits.local());
            assertThat(first.pager(source.api().list(), Map.of(), Map.of()).next()).hasSize(2);
            String hash = dev.pmsconversations.model.Hashes.sha256(configured);
            String rotated = kept.load("bs-1", hash).orElseThrow();
            assertThat(rotated).isNotEqualTo(configured);

            // after a restart the kept token is used: the account keeps working, and the token rotates again
            AccountClient restarted = new AccountClient(source, account, new PmsHttp(camel, "test", RuntimeConfig.PmsHttpConfig.DEFAULT), kept, RequestPermits.local());
            assertThat(restarted.pager(source.api().list(), Map.of(), Map.of()).next()).hasSize(2);
            assertThat(kept.load("bs-1", hash).orElseThrow()).isNotEqualTo(rotated);

            // without the kept token the configured one is revoked: a clear error, no secret in it
            AccountClient forgetful = new AccountClient(source, account, new PmsHttp(camel, "test", RuntimeConfig.PmsHttpConfig.DEFAULT), RefreshTokens.inMemory(), RequestPermits.local());
            assertThatThrownBy(() -> forgetful.pager(source.api().list(), Map.of(), Map.of()).next())
                    .isInstanceOf(PmsApiException.class)
                    .hasMessageContaining("source 'bookingsync', account 'bs-1'")
                    .hasMessageContaining("authorise the app again and set credential 'refreshToken'")
                    .hasMessageNotContaining(configured).hasMessageNotContaining(rotated);
            assertThat(sim.requests("bookingsync", "bs-1").stream().filter(r -> r.path().endsWith("/oauth/token"))).hasSize(2);
        }
    }

    /** BookingSync sends as a Host participant: the conversation's own, else one created for the account's first host. */
    @Test
    void aSendFindsOrCreatesTheHostParticipant() throws Exception {
        SourceDefinition source = SourceDefinition.load(Path.of("mappings/bookingsync.yaml"));
        try (PmsSimulator sim = new PmsSimulator(0, 5); DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            sim.source("bookingsync").seed("bs-2", 1, 1); // one guest message: the conversation has a Client participant only
            Map<String, Secret> credentials = new java.util.HashMap<>();
            sim.source("bookingsync").account("bs-2").credentials.forEach((k, v) -> credentials.put(k, new Secret(v, null)));
            AccountClient client = new AccountClient(source, new AccountConfig("bs-2", "bookingsync", sim.baseUrl("bookingsync"),
                    ZoneOffset.UTC, credentials, "1m", null, List.of()), new PmsHttp(camel, "test", RuntimeConfig.PmsHttpConfig.DEFAULT),
                    RefreshTokens.inMemory(), RequestPermits.local());
            String thread = sim.threadIds("bookingsync", "bs-2").get(0);
            var participants = sim.source("bookingsync").account("bs-2").thread(thread).related.get("participants").path("participants");
            assertThat(participants).hasSize(1);

            Map<String, String> first = client.prepareSend(thread);
            assertThat(participants).hasSize(2);
            com.fasterxml.jackson.databind.JsonNode host = participants.get(1);
            assertThat(host.at("/links/member/type").asText()).isEqualTo("Host");
            assertThat(first).containsEntry("sender", host.path("id").asText()).containsEntry("channel", "airbnb");

            assertThat(client.prepareSend(thread)).containsEntry("sender", host.path("id").asText()); // found, not created again
            assertThat(participants).hasSize(2);
        }
    }
}
