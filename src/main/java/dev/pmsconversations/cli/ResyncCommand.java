package dev.pmsconversations.cli;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.ConfigLoader;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.yaml.YamlFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Marks an account for a full re-read at its next poll (the running runtime, or the next start, does the work): every
 * conversation is read again and compared with what was delivered, so only real differences (e.g. messages missed
 * while a sink or the PMS was down, or edited) become events; nothing is delivered twice.
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
        if (!Files.exists(config)) {
            System.err.println("error: " + config + ": configuration file not found");
            return PmsConversations.BAD_INPUT;
        }
        RuntimeConfig rc;
        try {
            rc = new ConfigLoader().load(config);
        } catch (YamlFileException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return PmsConversations.BAD_INPUT;
        }
        AccountConfig a = rc.accounts().stream().filter(x -> x.id().equals(account)).findFirst().orElse(null);
        if (a == null) {
            System.err.println("error: no account '" + account + "' in " + config + "; accounts: "
                    + rc.accounts().stream().map(AccountConfig::id).toList());
            return PmsConversations.BAD_INPUT;
        }
        String cursor = null;
        if (since != null) {
            Instant at;
            try {
                at = Instant.parse(since);
            } catch (DateTimeParseException e) {
                System.err.println("error: --since '" + since + "' is not an ISO-8601 time such as 2026-11-01T00:00:00Z");
                return PmsConversations.BAD_INPUT;
            }
            String strategy = SourceRegistry.load(rc.mappings(), false).get(a.source()).api().incremental().strategy();
            cursor = switch (strategy) {
                case "sortedDesc", "updatedSince" -> at.toString();
                case "activity" -> at + "|" + at; // older than the activity call reaches: the window is listed instead
                default -> {
                    System.out.println("note: " + a.source() + " lists " + strategy + "-wise; --since does not narrow it, everything is read");
                    yield null;
                }
            };
        }
        try (StateStore store = new StateStore(rc.store())) {
            int n = store.resync(account, cursor);
            System.out.println("resync of " + account + " (" + a.source() + "): " + n + " known conversations will be read again at the next poll"
                    + (cursor == null ? ", listing from scratch" : ", activity since " + since) + "; only differences are delivered");
            return PmsConversations.OK;
        } catch (RuntimeException e) {
            System.err.println("error: cannot open the state store " + rc.store().url() + ": " + e.getMessage());
            return PmsConversations.BAD_INPUT;
        }
    }
}
