package dev.pmsconversations.cli;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.store.StateStore;
import java.nio.file.Path;
import java.util.Set;

/**
 * The state store of a configuration, for the operations commands (resync, dlq): they write the store only, and the
 * running nodes pick the work up, so they work against a running node or cluster. (H2 file stores are opened in H2's
 * automatic mixed mode, see StateStore, so a second process can use a running node's store.)
 */
final class OperationsStore {
    private OperationsStore() {
    }

    /** The work, given the configuration, its store and the accounts asked for (null: every account). */
    @FunctionalInterface
    interface Work {
        int run(RuntimeConfig config, StateStore store, Set<String> accounts);
    }

    /** Runs {@code work} on the configuration's store; a bad configuration, account or store is exit 2 with the reason. */
    static int with(Path config, String account, Work work) {
        RuntimeConfig rc = ConfigFile.loadForOperations(config);
        if (account != null && rc.accounts().stream().noneMatch(a -> a.id().equals(account))) {
            System.err.println("error: no account '" + account + "' in " + config + "; accounts: "
                    + rc.accounts().stream().map(AccountConfig::id).toList());
            return PmsConversations.BAD_INPUT;
        }
        StateStore store;
        try {
            store = new StateStore(rc.store());
        } catch (RuntimeException e) {
            System.err.println("error: cannot open the state store " + dev.pmsconversations.store.JdbcUrls.withoutCredentials(rc.store().url()) + ": " + e.getMessage());
            return PmsConversations.BAD_INPUT;
        }
        try (store) {
            return work.run(rc, store, account == null ? null : Set.of(account));
        }
    }
}
