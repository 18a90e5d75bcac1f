package dev.pmsconversations.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.simulator.SimRequest;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.TestMappings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.testing.ApiClient;
import dev.pmsconversations.testing.TestRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A small first sync (issue "Performance": the backfill at the PMS's own limit), not timed: a Hostaway account with 150
 * conversations is read for the first time against the simulator enforcing the limit its source file publishes (here
 * 20 requests per second, the same on both sides), beside the 14 other accounts. Every conversation arrives, and the PMS
 * answers no 429: no request went beyond the limit (the simulator refuses, and counts, every one that would have).
 */
class BackfillLimitTest extends RuntimeTestSupport {
    private static final int LIMIT = 20;
    private static final int THREADS = 150;

    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        try {
            Path mappings = TestMappings.withRateLimit(Files.createTempDirectory("backfill-mappings"), "hostaway", LIMIT, 1);
            sim.rateLimit("hostaway", LIMIT, 1);
            return config.withMappings(mappings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected boolean withApi() {
        return true;
    }

    @Test
    void aFirstSyncOfManyConversationsStaysWithinThePublishedLimit() throws Exception {
        sim.source("hostaway").seed("hostaway-1", THREADS, 2);
        Set<String> held = Set.copyOf(sim.threadIds("hostaway", "hostaway-1"));
        assertThat(held).hasSizeGreaterThanOrEqualTo(THREADS);

        CompletableFuture<Void> firstPolls = CompletableFuture.runAsync(this::awaitFirstPolls);
        // meanwhile /v2/status shows where the first sync is, and the time left at the limit for the threads known
        ApiClient api = new ApiClient(apiPort);
        JsonNode[] seen = {null};
        Awaitility.await("the first sync's progress").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    for (JsonNode a : api.get("/v2/status", TestRuntime.TOKEN).json().at("/data/accounts")) {
                        if (a.path("accountId").asText().equals("hostaway-1") && a.path("sync").path("threadsDone").asInt() >= 20) {
                            seen[0] = a.get("sync");
                        }
                    }
                    return seen[0] != null;
                });
        JsonNode sync = seen[0];
        int left = sync.get("threadsListed").asInt() - sync.get("threadsDone").asInt();
        assertThat(sync.get("kind").asText()).isEqualTo("first sync");
        assertThat(left).as(sync.toString()).isPositive();
        // each thread takes one request at least (its messages) and far fewer than 20: between 1 and 20 per thread at 20/s
        assertThat(sync.get("etaSeconds").asLong()).as(sync.toString()).isBetween((long) Math.ceil(left / (double) LIMIT), (long) left);
        firstPolls.get(60, TimeUnit.SECONDS);
        JsonNode after = null;
        for (JsonNode a : api.get("/v2/status", TestRuntime.TOKEN).json().at("/data/accounts")) {
            after = a.path("accountId").asText().equals("hostaway-1") ? a : after;
        }
        assertThat(after.get("sync").isNull()).as("no poll running once it is done").isTrue();

        Set<String> delivered = events("hostaway-1").stream().map(e -> e.at("/data/id").asText()).collect(Collectors.toSet());
        assertThat(delivered).as("every conversation of the first sync").containsAll(held);
        List<SimRequest> requests = sim.requests("hostaway", "hostaway-1");
        assertThat(requests).as("a list call and one messages call per conversation, at least").hasSizeGreaterThan(THREADS);
        assertThat(sim.throttled()).as("429 answers of the enforced limit (" + LIMIT + " per second)").isZero();
    }
}
