package dev.pmsconversations.cli;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.source.MissingRefreshTokens;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.store.StateExport;
import dev.pmsconversations.store.StateImport;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.yaml.YamlFileException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Moves accounts' state from one configuration's store to another's (H2 to PostgreSQL, to a fresh H2, back): {@code store
 * export} writes sync cursors, rotated refresh tokens and per-conversation state to a file only its owner may read;
 * {@code store import} loads it into the other store. Without it, an account whose PMS rotates its refresh token
 * (BookingSync) is locked out on the new store until the app is authorised again, and every conversation is re-delivered.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Export accounts' state (cursors, rotated refresh tokens, conversation state) or import it into another store.",
        subcommands = {StoreCommand.Export.class, StoreCommand.Import.class})
public final class StoreCommand {
    @Option(names = {"-c", "--config"}, defaultValue = "config/pms-conversations.yaml", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "configuration file whose state store to use (default: ${DEFAULT-VALUE})")
    Path config;

    @FunctionalInterface
    interface StoreWork {
        int run(RuntimeConfig config, StateStore store) throws IOException;
    }

    /**
     * Runs {@code work} on the configuration's store (migrated first); a bad configuration or an unreachable store is
     * exit 2 with the reason, as is a state file that cannot be read or written.
     */
    int withStore(StoreWork work) {
        RuntimeConfig rc = ConfigFile.loadForOperations(config);
        StateStore store;
        try {
            store = open(rc);
        } catch (YamlFileException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return PmsConversations.BAD_INPUT;
        }
        try (store) {
            return work.run(rc, store);
        } catch (IOException | YamlFileException e) {
            System.err.println("error: " + e.getMessage());
            return PmsConversations.BAD_INPUT;
        } catch (StateStore.StoreException e) {
            System.err.println("error: " + e.getMessage());
            return PmsConversations.FAILED;
        }
    }

    private static StateStore open(RuntimeConfig rc) {
        try {
            return new StateStore(rc.store());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot open the state store " + rc.store().url() + ": " + e.getMessage(), e);
        }
    }

    private static String kind(StateStore store) {
        return store.jdbc().postgres() ? "PostgreSQL" : "H2";
    }

    /** "conversation_state 12, sync_cursor 1, refresh_token 1" */
    private static String rows(Map<String, Integer> perTable) {
        return perTable.isEmpty() ? "no rows" : String.join(", ", perTable.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the accounts' state to a file readable by its owner only (it holds refresh tokens).")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        StoreCommand parent;

        @Option(names = "--file", required = true, description = "the file to write (replaced if it exists)")
        Path file;

        @Option(names = "--account", description = "only this account (repeat for more); default: every account with state")
        List<String> accounts = List.of();

        @Override
        public Integer call() {
            return parent.withStore((rc, store) -> {
                StateExport export = new StateExport(store);
                Map<String, Map<String, Integer>> counts = writeOwnerOnly(file, out -> export.write(accounts, out));
                System.out.println("exported the state of " + counts.size() + " account(s) from the " + kind(store) + " store to " + file);
                counts.forEach((account, perTable) -> System.out.println("  " + account + ": " + rows(perTable)));
                accounts.stream().filter(a -> !counts.containsKey(a))
                        .forEach(a -> System.err.println("warning: the store holds no state of account '" + a + "'"));
                System.out.println("the file holds refresh tokens: it is readable by its owner only (rw-------); "
                        + "keep it secret and delete it once imported");
                export.leftBehind().forEach((table, why) -> System.out.println("not carried: " + table + " (" + why + ")"));
                warnAboutWorkInFlight(export.inFlight(counts.keySet()));
                return PmsConversations.OK;
            });
        }

        private static void warnAboutWorkInFlight(StateExport.InFlight left) {
            if (left.undeliveredEvents() > 0) {
                System.err.println("warning: " + left.undeliveredEvents() + " event(s) not yet delivered to their sinks stay in this store: "
                        + "let the runtime drain them, then export again");
            }
            if (left.unsentMessages() > 0) {
                System.err.println("warning: " + left.unsentMessages() + " outbox message(s) not yet sent stay in this store: "
                        + "let the runtime send them, then export again");
            }
            if (left.unprocessedWebhooks() > 0) {
                System.err.println("warning: " + left.unprocessedWebhooks() + " webhook(s) not yet processed stay in this store "
                        + "(the accounts' polls find the same changes)");
            }
            if (left.deadDeliveries() > 0) {
                System.err.println("warning: " + left.deadDeliveries() + " dead letter(s) of the sinks stay in this store: "
                        + "replay them first (dlq replay), or keep this store to look them up");
            }
        }
    }

    @FunctionalInterface
    interface Writer<T> {
        T write(OutputStream out) throws IOException;
    }

    /** Writes through a temporary file created rw------- next to {@code file}, then moved onto it. */
    static <T> T writeOwnerOnly(Path file, Writer<T> writer) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(file + ": directory not found");
        }
        Path tmp;
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            tmp = Files.createTempFile(dir, ".pms-state-", ".part", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            tmp = Files.createTempFile(dir, ".pms-state-", ".part");
            java.io.File f = tmp.toFile();
            boolean ownerOnly = f.setReadable(false, false) && f.setReadable(true, true) && f.setWritable(false, false) && f.setWritable(true, true);
            if (!ownerOnly) {
                Files.deleteIfExists(tmp);
                throw new IOException(file + ": cannot make the file readable by its owner only");
            }
        }
        try {
            T result;
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp))) {
                result = writer.write(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The check the runtime makes at start: an account that would still refresh with a token its PMS revoked. */
    private static void warnAboutMissingRefreshTokens(RuntimeConfig rc, StateStore store) {
        SourceRegistry sources;
        try {
            sources = SourceRegistry.load(rc.mappings(), false);
        } catch (YamlFileException e) { // the import is done: this only stops the check
            System.err.println("warning: refresh tokens not checked, the mapping files cannot be read: " + e.getMessage());
            return;
        }
        for (AccountConfig a : MissingRefreshTokens.find(rc.accounts(), sources, dev.pmsconversations.source.RefreshTokens.in(store))) {
            System.err.println("warning: " + MissingRefreshTokens.advice(a, sources.get(a.source())));
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Load a file of store export into this configuration's store (refused for accounts that have state, unless --replace).")
    static final class Import implements Callable<Integer> {
        @ParentCommand
        StoreCommand parent;

        @Option(names = "--file", required = true, description = "a file written by store export")
        Path file;

        @Option(names = "--replace", description = "replace the state of accounts this store already has")
        boolean replace;

        @Override
        public Integer call() {
            if (!Files.isReadable(file)) { // before the store is opened: a mistyped name creates no empty H2 file
                System.err.println("error: " + file + ": file not found or not readable");
                return PmsConversations.BAD_INPUT;
            }
            return parent.withStore((rc, store) -> {
                StateImport.Result result;
                try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
                    result = new StateImport(store).load(in, replace);
                } catch (StateImport.BadFile e) {
                    throw new IOException(file + ": " + e.getMessage());
                } catch (StateImport.Refused e) {
                    System.err.println("error: the " + kind(store) + " store already holds state of " + e.accounts()
                            + "; nothing was imported. Add --replace to replace it with the file's.");
                    return PmsConversations.FAILED;
                }
                System.out.println("imported the state of " + result.perAccount().size() + " account(s) from " + file + " into the "
                        + kind(store) + " store");
                Set<String> configured = new TreeSet<>(rc.accounts().stream().map(AccountConfig::id).toList());
                result.perAccount().forEach((account, perTable) -> System.out.println("  " + account + ": " + rows(perTable)
                        + (result.replaced().contains(account) ? " (replaced the state it had)" : "")
                        + (configured.contains(account) ? "" : " (not an account of " + parent.config + ")")));
                warnAboutMissingRefreshTokens(rc, store);
                return PmsConversations.OK;
            });
        }
    }
}
