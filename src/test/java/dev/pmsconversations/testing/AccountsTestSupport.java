package dev.pmsconversations.testing;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.config.Secret;
import java.util.List;
import java.util.function.Function;

/**
 * A runtime for tests of accounts created at run time: the API on, each account polled on its own schedule, and a store
 * key for their credentials ({@link #withKey}).
 */
public abstract class AccountsTestSupport extends RuntimeTestSupport {

    @Override
    protected boolean withApi() {
        return true;
    }

    @Override
    protected Function<AccountConfig, String> quartzOptions() {
        return AccountConfig::quartzOptions; // the accounts' own schedules
    }

    /** {@code config} whose store encrypts accounts' credentials under {@code key} (no previous keys). */
    protected static RuntimeConfig withKey(RuntimeConfig config, String key) {
        RuntimeConfig.StoreConfig s = config.store();
        return config.withStore(new RuntimeConfig.StoreConfig(s.url(), s.user(), s.password(),
                new RuntimeConfig.Encryption(new Secret(key, "test"), List.of())));
    }
}
