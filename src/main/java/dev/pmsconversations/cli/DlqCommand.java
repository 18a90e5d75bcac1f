package dev.pmsconversations.cli;

import dev.pmsconversations.delivery.DeliveryStore;
import dev.pmsconversations.store.ReadFailures;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The dead letters, straight from the state store of a configuration (a running node's too: the store is shared, see
 * {@link OperationsStore}): {@code dlq list} shows events a sink would not take and threads that could not be read or
 * mapped; {@code dlq replay} puts the events back in their sink's queue and has the threads read again, by the running
 * nodes (or the next start).
 */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "List or replay dead letters (sinks' events, threads that failed to read or map).",
        subcommands = {DlqCommand.List.class, DlqCommand.Replay.class})
public final class DlqCommand {
    @Option(names = {"-c", "--config"}, defaultValue = "config/pms-conversations.yaml", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "configuration file whose state store to use (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--account", scope = picocli.CommandLine.ScopeType.INHERIT, description = "only this account")
    String account;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Show dead letters (exit 0; 1 if there are any).")
    static final class List implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;

        @Option(names = "--sink", description = "only this sink's (threads are shown only without --sink)")
        String sink;

        @Override
        public Integer call() {
            return OperationsStore.with(parent.config, parent.account, (rc, store, accounts) -> {
                java.util.List<DeliveryStore.Row> rows = new DeliveryStore(store.jdbc()).dead(sink, null, accounts);
                System.out.println("events a sink would not take:");
                System.out.printf("%-8s %-14s %-38s %-20s %8s  %s%n", "id", "sink", "event", "account", "attempts", "last error");
                for (DeliveryStore.Row r : rows) {
                    System.out.printf("%-8d %-14s %-38s %-20s %8d  %s%n", r.id(), r.sink(), r.eventId(), r.accountId(), r.attempts(),
                            r.lastError());
                }
                java.util.List<ReadFailures.Failure> reads = sink == null ? store.readFailures().open(accounts) : java.util.List.of();
                System.out.println();
                System.out.println("threads and pages that could not be read or mapped:");
                System.out.printf("%-8s %-8s %-20s %-24s %-7s %5s  %s%n", "id", "kind", "account", "conversation", "status", "times", "reason");
                for (ReadFailures.Failure f : reads) {
                    System.out.printf("%-8d %-8s %-20s %-24s %-7s %5d  %s%n", f.id(), f.kind(), f.accountId(),
                            f.conversationId() == null ? "-" : f.conversationId(), f.status(), f.occurrences(), f.reason());
                }
                System.out.println(rows.size() + " event(s), " + reads.size() + " thread(s) or page(s)");
                return rows.isEmpty() && reads.isEmpty() ? PmsConversations.OK : PmsConversations.FAILED;
            });
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Put events back in their sink's queue, and have failed threads read again by the running nodes.")
    static final class Replay implements Callable<Integer> {
        @ParentCommand
        DlqCommand parent;

        @Option(names = "--sink", description = "only this sink's events")
        String sink;

        @Option(names = "--kind", description = "delivery (sinks' events) or read (threads); default: both, or delivery with --id")
        String kind;

        @Option(names = "--id", description = "only this dead letter (the id shown by dlq list)")
        Long id;

        @Override
        public Integer call() {
            if (kind != null && !Set.of("delivery", "read").contains(kind)) {
                System.err.println("error: --kind is delivery or read, not '" + kind + "'");
                return PmsConversations.BAD_INPUT;
            }
            String only = kind == null && id != null ? "delivery" : kind;
            return OperationsStore.with(parent.config, parent.account, (rc, store, accounts) -> {
                int events = "read".equals(only) ? 0 : new DeliveryStore(store.jdbc()).replay(sink, id, accounts, Instant.now());
                int threads = "delivery".equals(only) || sink != null ? 0 : store.readFailures().requestRetry(accounts, id);
                System.out.println(events + " event(s) queued again, " + threads + " thread(s) to be read again by the running nodes"
                        + (events + threads == 0 ? " (nothing matched)" : ""));
                return PmsConversations.OK;
            });
        }
    }
}
