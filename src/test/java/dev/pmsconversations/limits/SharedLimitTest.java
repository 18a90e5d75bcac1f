package dev.pmsconversations.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.config.Secret;
import dev.pmsconversations.testing.RuntimeTestSupport;
import dev.pmsconversations.testing.TestMappings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A limit per IP address (Hostaway: 15 requests per 10 s per IP besides 20 per 10 s per account) is one budget for every
 * account the deployment reads: three Hostaway accounts' first syncs at once, against the simulator enforcing both
 * limits (the per-IP one over all three accounts' requests, as every request comes from 127.0.0.1), meet no 429. Counted
 * per account, the three would send three times the per-IP limit. The limits here are Hostaway's, shortened to 1 s.
 */
class SharedLimitTest extends RuntimeTestSupport {
    private static final int PER_IP = 20;
    private static final int PER_ACCOUNT = 20;
    private static final int THREADS = 40;
    private static final List<String> ACCOUNTS = List.of("hostaway-1", "hostaway-2", "hostaway-3");

    @Override
    protected RuntimeConfig adjust(RuntimeConfig config) {
        try {
            Path mappings = TestMappings.withRateLimitLine(Files.createTempDirectory("shared-limit-mappings"), "hostaway",
                    "[ { requests: " + PER_IP + ", perSeconds: 1, scope: ip }, { requests: " + PER_ACCOUNT + ", perSeconds: 1 } ]");
            sim.addRateLimit("hostaway", PER_IP, 1, true);
            sim.addRateLimit("hostaway", PER_ACCOUNT, 1, false);
            AccountConfig first = config.accounts().stream().filter(a -> a.id().equals("hostaway-1")).findFirst().orElseThrow();
            List<AccountConfig> accounts = new ArrayList<>();
            for (String id : ACCOUNTS) {
                sim.source("hostaway").seed(id, THREADS, 2);
                // hostaway-1 as configured, the others the same with their own credentials
                Map<String, Secret> credentials = new LinkedHashMap<>();
                sim.source("hostaway").account(id).credentials.forEach((k, v) -> credentials.put(k, new Secret(v, "value")));
                accounts.add(new AccountConfig(id, "hostaway", first.baseUrl(), first.timeZone(), credentials, first.every(),
                        first.cron(), first.sinks()));
            }
            return config.withAccounts(accounts).withMappings(mappings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void accountsOfOneSourceShareItsLimitPerIp() {
        context.start();
        for (String id : ACCOUNTS) {
            Set<String> held = Set.copyOf(sim.threadIds("hostaway", id));
            Awaitility.await("every conversation of " + id).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> events(id).stream().map(e -> e.at("/data/id").asText()).collect(Collectors.toSet()).containsAll(held));
        }
        long requests = ACCOUNTS.stream().mapToLong(id -> sim.requests("hostaway", id).size()).sum();
        assertThat(requests).as("a list call and a messages call per conversation, at least").isGreaterThan(3L * THREADS);
        assertThat(sim.throttled()).as("429 answers of the enforced limits (" + PER_IP + " per second per IP, " + PER_ACCOUNT
                + " per account)").isZero();
    }
}
