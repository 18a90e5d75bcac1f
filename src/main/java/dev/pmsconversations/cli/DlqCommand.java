package dev.pmsconversations.cli;

import dev.pmsconversations.config.ConfigLoader;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.delivery.DeliveryStore;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.yaml.YamlFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The sinks' dead letters, straight from the state store of a configuration: {@code dlq list} shows them,
 * {@code dlq replay} puts them back in their sink's queue (a running runtime then delivers them).
 */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "List or replay the sinks' dead letters.",
        subcommands = {DlqCommand.List.class, DlqCommand.Replay.class})
public final class DlqCommand {
    @Option(names = {"-c", "--config"}, defaultValue = "config/pms-conversations.yaml", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "configuration file whose state store to use (default: ${DEFAULT-VALUE})")
    Path config;

    /** Runs {@code work} on the configuration's store; a bad configuration or store is exit 2 with the reason. */
    int withStore(java.util.function.ToIntFunction<DeliveryStore> work) {
        try (StateStore store = open()) {
            return work.applyAsInt(new DeliveryStore(store.jdbc()));
        } catch (YamlFileException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return PmsConversations.BAD_INPUT;
        }
    }

    private StateStore open() {
        if (!Files.exists(config)) {
            throw new IllegalArgumentException(config + ": configuration file not found");
        }
        RuntimeConfig rc = new ConfigLoader().load(config);
        try {
            return new StateStore(rc.store());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot open the state store " + rc.store().url() + ": " + e.getMessage(), e);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Show dead letters (exit 0; 1 if there are any).")
    static final class List implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;

        @Option(names = "--sink", description = "only this sink")
        String sink;

        @Override
        public Integer call() {
            return parent.withStore(deliveries -> {
                java.util.List<DeliveryStore.Row> rows = deliveries.dead(sink, null);
                System.out.printf("%-8s %-14s %-38s %-20s %8s  %s%n", "id", "sink", "event", "account", "attempts", "last error");
                for (DeliveryStore.Row r : rows) {
                    System.out.printf("%-8d %-14s %-38s %-20s %8d  %s%n", r.id(), r.sink(), r.eventId(), r.accountId(), r.attempts(),
                            r.lastError());
                }
                System.out.println(rows.size() + " dead letter(s)");
                return rows.isEmpty() ? PmsConversations.OK : PmsConversations.FAILED;
            });
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, description = "Put dead letters back in their sink's queue.")
    static final class Replay implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;

        @Option(names = "--sink", description = "only this sink")
        String sink;

        @Option(names = "--id", description = "only this dead letter (the id shown by dlq list)")
        Long id;

        @Override
        public Integer call() {
            return parent.withStore(deliveries -> {
                int n = deliveries.replay(sink, id, Instant.now());
                System.out.println(n + " dead letter(s) queued again" + (n == 0 ? " (nothing matched)" : ""));
                return PmsConversations.OK;
            });
        }
    }
}
