package dev.pmsconversations.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.config.Secret;
import dev.pmsconversations.limits.RequestPermits;
import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.testing.SimAccounts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The call that checks an account's credentials before the API stores it ({@link AccountClient#checkCredentials}), per
 * source with messaging, against the simulated PMS: the credentials it issued pass with one request; the same account
 * with its auth credentials changed is refused as the PMS refuses them (401/403), which the API turns into 422.
 */
class CredentialCheckTest {
    private static final SourceRegistry SOURCES = SourceRegistry.load(Path.of("mappings"), false);

    static Stream<String> sources() {
        return SOURCES.all().values().stream().filter(SourceDefinition::messaging).map(SourceDefinition::key).sorted();
    }

    @ParameterizedTest
    @MethodSource("sources")
    void theIssuedCredentialsPassAndChangedOnesAreRefused(String source) throws Exception {
        SourceDefinition def = SOURCES.get(source);
        try (PmsSimulator sim = new PmsSimulator(0, 3); DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            sim.source(source).seed(source + "-check", 1, 1);
            PmsHttp http = new PmsHttp(camel, "test", RuntimeConfig.PmsHttpConfig.DEFAULT);
            AccountConfig good = SimAccounts.config(sim, source, source + "-check");
            new AccountClient(def, good, http, RefreshTokens.inMemory(), RequestPermits.local()).checkCredentials();
            assertThat(sim.requests(source, source + "-check")).as("one cheap call (plus a token exchange where the PMS has one)")
                    .hasSizeBetween(1, 2);

            Set<String> auth = new TreeSet<>(def.api().auth().credentialNames());
            auth.addAll(def.api().queryCredentials());
            Map<String, Secret> changed = new LinkedHashMap<>(good.credentials());
            auth.forEach(k -> changed.put(k, new Secret("changed-" + k + "-0123456789", null)));
            AccountConfig wrong = new AccountConfig(good.id(), source, good.baseUrl(), good.timeZone(), changed, good.every(), null, good.sinks());
            assertThatThrownBy(() -> new AccountClient(def, wrong, http, RefreshTokens.inMemory(), RequestPermits.local()).checkCredentials())
                    .as("auth credentials %s changed", auth)
                    .isInstanceOfSatisfying(PmsApiException.class, e -> assertThat(e.isAuthFailure()).as(e.getMessage()).isTrue())
                    .hasMessageNotContaining("changed-");
        }
    }
}
