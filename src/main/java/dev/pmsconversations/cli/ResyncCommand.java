package dev.pmsconversations.cli;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.sync.Resync;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Marks an account for a full re-read at its next poll, by the running node or cluster (or the next start): every
 * conversation is read again and compared with what was delivered, so only real differences become events ({@link Resync}).
 * The same as {@code POST /v2/accounts/{id}/resync}.
 */
@Command(name = "resync", mixinStandardHelpOptions = true,
        description = "Read an account's conversations again at its next poll; only differences are delivered.")
public final class ResyncCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, defaultValue = "config/pms-conversations.yaml",
            description = "configuration file (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--account", required = true, description = "the account id, as in the configuration")
    String account;

    @Option(names = "--since", description = "ISO-8601 time (e.g. 2026-11-01T00:00:00Z): re-read activity from then on "
            + "(sources that list by activity); default: everything the source's listing reaches")
    String since;

    @Override
    public Integer call() {
        Instant at = null;
        if (since != null) {
            try {
                at = Instant.parse(since);
            } catch (DateTimeParseException e) {
                System.err.println("error: --since '" + since + "' is not an ISO-8601 time such as 2026-11-01T00:00:00Z");
                return PmsConversations.BAD_INPUT;
            }
        }
        Instant from = at;
        return OperationsStore.with(config, account, (rc, store, accounts) -> {
            AccountConfig a = rc.accounts().stream().filter(x -> x.id().equals(account)).findFirst().orElseThrow();
            Resync.Requested r = Resync.request(store, SourceRegistry.load(rc.mappings(), false).get(a.source()), account, from);
            System.out.println("resync of " + account + " (" + a.source() + "): " + r.describe());
            return PmsConversations.OK;
        });
    }
}
