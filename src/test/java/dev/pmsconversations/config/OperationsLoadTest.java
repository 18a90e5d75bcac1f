package dev.pmsconversations.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pmsconversations.yaml.YamlFileException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Operations commands (dlq, resync) open the store and call no PMS: {@link ConfigLoader#forOperations} loads a
 * configuration whose account, sink or API credentials are not in the environment; run and validate stay strict.
 */
class OperationsLoadTest {
    private static final String CONFIG = """
            runtime:
              store: { url: "jdbc:h2:mem:ops", user: app, password: { env: STORE_PASSWORD } }
            sinks:
              - { name: crm, type: http, url: "https://crm.example.com/hook", secret: { env: CRM_SIGNING_SECRET } }
            api:
              tokens:
                - { name: ops, token: { env: API_TOKEN } }
            accounts:
              - id: villa
                source: hostaway
                credentials:
                  clientId: { value: "12345" }
                  clientSecret: { env: HOSTAWAY_SECRET }
            """;
    private static final Map<String, String> ONLY_STORE = Map.of("STORE_PASSWORD", "store-password-1");

    @Test
    void strictLoadNamesEveryMissingVariableWithItsLine() {
        assertThatThrownBy(() -> new ConfigLoader(ONLY_STORE::get).parse("ops.yaml", CONFIG))
                .isInstanceOf(ConfigErrors.class)
                .satisfies(e -> assertThat(((ConfigErrors) e).all()).extracting(Throwable::getMessage).containsExactly(
                        "ops.yaml:4: key 'sinks.0.secret.env': environment variable 'CRM_SIGNING_SECRET' is not set",
                        "ops.yaml:7: key 'api.tokens.0.token.env': environment variable 'API_TOKEN' is not set",
                        "ops.yaml:13: key 'accounts.0.credentials.clientSecret.env': environment variable 'HOSTAWAY_SECRET' is not set"));
    }

    @Test
    void operationsLoadKeepsTheStoreAndDefersTheMissingCredentialsUntilUsed() {
        RuntimeConfig rc = ConfigLoader.forOperations(ONLY_STORE::get).parse("ops.yaml", CONFIG);

        assertThat(rc.store().url()).isEqualTo("jdbc:h2:mem:ops");
        assertThat(rc.store().user()).isEqualTo("app");
        assertThat(rc.store().password().reveal()).isEqualTo("store-password-1");
        assertThat(rc.sinks()).extracting(SinkConfig::name).containsExactly("crm");
        AccountConfig villa = rc.accounts().get(0);
        assertThat(villa.id()).isEqualTo("villa");
        assertThat(villa.credentials().get("clientId").reveal()).isEqualTo("12345");

        Secret missing = villa.credentials().get("clientSecret");
        assertThat(missing.available()).isFalse();
        assertThat(missing).hasToString("****(env:HOSTAWAY_SECRET)");
        assertThatThrownBy(missing::reveal).isInstanceOf(IllegalStateException.class)
                .hasMessage("credential env:HOSTAWAY_SECRET is not available: ops.yaml:13: key 'accounts.0.credentials.clientSecret.env': "
                        + "environment variable 'HOSTAWAY_SECRET' is not set");
        assertThatThrownBy(() -> rc.api().tokens().get(0).token().reveal()).hasMessageContaining("'API_TOKEN' is not set");
    }

    @Test
    void operationsLoadStillRequiresTheStorePassword() {
        assertThatThrownBy(() -> ConfigLoader.forOperations(name -> null).parse("ops.yaml", CONFIG))
                .isInstanceOf(YamlFileException.class)
                .hasMessage("ops.yaml:2: key 'runtime.store.password.env': environment variable 'STORE_PASSWORD' is not set");
    }
}
