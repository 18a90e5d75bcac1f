package dev.pmsconversations.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.limits.RequestPermits;
import dev.pmsconversations.simulator.OwnerRezSim;
import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.testing.SimAccounts;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * Offset paging with a has-next pointer (mappings/ownerrez.yaml: {@code hasNext: /next_page_url}): a PMS that answers
 * 20 items per page whatever limit=100 asks (OwnerRez declares no limit on GET /v2/messages) is read to the end; with
 * the page size alone, the first short page would have ended the thread at 20 of its 45 messages.
 */
class OffsetPagingTest {
    @Test
    void aPmsIgnoringTheLimitIsReadToTheEndByItsNextPageUrl() throws Exception {
        SourceDefinition source = SourceDefinition.load(Path.of("mappings/ownerrez.yaml"));
        try (PmsSimulator sim = new PmsSimulator(0, 5); DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            sim.source("ownerrez").seed("or-1", 1, 45);
            ((OwnerRezSim) sim.source("ownerrez")).capPages(20);
            AccountClient client = new AccountClient(source, SimAccounts.config(sim, "ownerrez", "or-1"),
                    new PmsHttp(camel, "test", RuntimeConfig.PmsHttpConfig.DEFAULT), RefreshTokens.inMemory(), RequestPermits.local());
            String thread = sim.threadIds("ownerrez", "or-1").get(0);
            List<JsonNode> messages = client.messages(thread, null);
            assertThat(messages).hasSize(45);
            assertThat(sim.requests("ownerrez", "or-1").stream().filter(r -> r.path().equals("/v2/messages")).count())
                    .as("three pages of 20, 20 and 5").isEqualTo(3);
        }
    }
}
