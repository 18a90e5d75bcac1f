package dev.pmsconversations.source;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.limits.RequestPermits;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.Secret;
import dev.pmsconversations.simulator.PmsSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RPC-style APIs (RentalWise): list, get and messages calls are POSTs whose JSON body the source file templates,
 * with the paging parameters written into the body. Runs mappings/rentalwise.yaml with a page size of 2 against
 * the simulator, so several pages are read.
 */
class RequestBodyTest {
    @TempDir
    Path dir;

    @Test
    void pagingParametersGoIntoTheBodyAndEveryPageIsRead() throws Exception {
        String yaml = Files.readString(Path.of("mappings/rentalwise.yaml")).replace("size: 100", "size: 2");
        Path file = Files.writeString(dir.resolve("rentalwise.yaml"), yaml);
        SourceDefinition source = SourceDefinition.load(file);
        try (PmsSimulator sim = new PmsSimulator(0, 11); DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            sim.source("rentalwise").seed("rw-1", 5, 3);
            Map<String, Secret> credentials = Map.of("apiToken", new Secret(sim.source("rentalwise").account("rw-1").credentials.get("apiToken"), null));
            AccountClient client = new AccountClient(source, new AccountConfig("rw-1", "rentalwise", sim.baseUrl("rentalwise"),
                    ZoneOffset.UTC, credentials, "1m", null, List.of()), new PmsHttp(camel, "test", RuntimeConfig.PmsHttpConfig.DEFAULT),
                    RefreshTokens.inMemory(), RequestPermits.local());

            Pager pager = client.pager(source.api().list(), Map.of(), Map.of());
            List<JsonNode> threads = new ArrayList<>();
            int pages = 0;
            for (List<JsonNode> page = pager.next(); page != null; page = pager.next()) {
                threads.addAll(page);
                pages++;
            }
            Set<String> ids = new HashSet<>();
            threads.forEach(t -> ids.add(t.get("id").asText()));
            assertThat(ids).containsExactlyInAnyOrderElementsOf(sim.threadIds("rentalwise", "rw-1"));
            assertThat(pages).isEqualTo(3); // 2 + 2 + 1, the last page ends the listing (last_page)
            assertThat(sim.requests("rentalwise", "rw-1")).allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/rest/thread/query");
            });

            String first = threads.get(0).get("id").asText();
            assertThat(client.fetchRecord(first).get("id").asText()).isEqualTo(first); // thread/fetch {id}
            List<JsonNode> messages = client.messages(first, threads.get(0)); // read 2 per page
            int stored = sim.source("rentalwise").account("rw-1").thread(first).messages.size();
            assertThat(stored).isGreaterThan(2);
            assertThat(messages).hasSize(stored);
            assertThat(messages).allSatisfy(m -> assertThat(m.has("direction")).isTrue());
        }
    }
}
