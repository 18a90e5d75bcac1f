package dev.pmsconversations.source;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.Secret;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts whose PMS rotates its refresh token (auth {@code oauth2-refresh-token}, e.g. BookingSync) while the state store
 * holds no rotated token descending from the configured one. The runtime then refreshes with the configured token: right
 * on the first start after authorising the app, but if the account ran before on another store (H2 moved to PostgreSQL,
 * a fresh H2), the PMS has revoked that token and the account is locked out until it is authorised again.
 */
public final class MissingRefreshTokens {
    private static final Logger LOG = LoggerFactory.getLogger(MissingRefreshTokens.class);

    private MissingRefreshTokens() {
    }

    /** The accounts (of sources that rotate refresh tokens) for which {@code tokens} holds nothing to continue with. */
    public static List<AccountConfig> find(List<AccountConfig> accounts, SourceRegistry sources, RefreshTokens tokens) {
        List<AccountConfig> missing = new ArrayList<>();
        for (AccountConfig account : accounts) {
            SourceDefinition source = sources.get(account.source());
            if (source == null || !source.api().auth().type().equals("oauth2-refresh-token")) {
                continue;
            }
            Secret configured = account.credentials().get(source.api().auth().credential());
            if (configured != null && tokens.load(account.id(), RefreshTokens.credentialHash(configured.reveal())).isEmpty()) {
                missing.add(account);
            }
        }
        return missing;
    }

    /** Logs one WARN per account {@link #find} returns (called once as the runtime starts). */
    public static void warnAtStart(List<AccountConfig> accounts, SourceRegistry sources, RefreshTokens tokens) {
        for (AccountConfig account : find(accounts, sources, tokens)) {
            LOG.warn("{}", advice(account, sources.get(account.source())));
        }
    }

    /** What the missing token means and what to do; names the credential, never its value. */
    public static String advice(AccountConfig account, SourceDefinition source) {
        String credential = source.api().auth().credential();
        return "account '" + account.id() + "' (" + source.name() + "): the state store holds no rotated refresh token for it, "
                + "so the configured credential '" + credential + "' is used. " + source.name() + " revokes a refresh token once it "
                + "has been used: if this account ran before on another state store, import that store's state first "
                + "(pms-conversations store export / store import, docs/operations.md \"Moving the state store\"), or authorise "
                + "the app again and set credential '" + credential + "' to the new refresh token. Nothing to do on the first "
                + "start after authorising.";
    }
}
