package dev.pmsconversations.testing;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.Secret;
import dev.pmsconversations.simulator.PmsSimulator;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An account of the simulator as the runtime's configuration would hold it (for tests that build one client). */
public final class SimAccounts {
    private SimAccounts() {
    }

    /** The simulator's seeded account, with the credentials it issued, polled every minute, UTC. */
    public static AccountConfig config(PmsSimulator sim, String source, String accountId) {
        Map<String, Secret> credentials = new HashMap<>();
        sim.source(source).account(accountId).credentials.forEach((k, v) -> credentials.put(k, new Secret(v, null)));
        return new AccountConfig(accountId, source, sim.baseUrl(source), ZoneOffset.UTC, credentials, "1m", null, List.of());
    }
}
