package dev.pmsconversations.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.account.AccountClients;
import dev.pmsconversations.account.AccountStore;
import dev.pmsconversations.account.CredentialCipher;
import dev.pmsconversations.api.AccountApi;
import dev.pmsconversations.api.ApiAuth;
import dev.pmsconversations.api.ApiException;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.PmsHttp;
import dev.pmsconversations.source.RefreshTokens;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.store.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The accounts of a configuration's state store, without the API running ({@code accounts list|show|add|update|pause|
 * resume|remove}): the same operations and checks as {@code /v2/accounts} ({@link AccountApi}), on the same store, so the
 * running nodes follow what is done here within seconds. Credentials are given as {@code KEY=env:NAME} or
 * {@code KEY=file:path}, never as values on the command line (they would stay in the shell's history and in ps).
 */
@Command(name = "accounts", mixinStandardHelpOptions = true,
        description = "List, show, add, change, pause, resume, remove, re-encrypt, export or import accounts.",
        subcommands = {AccountsCommand.ListAccounts.class, AccountsCommand.Show.class, AccountsCommand.Add.class, AccountsCommand.Update.class,
                AccountsCommand.Pause.class, AccountsCommand.Resume.class, AccountsCommand.Remove.class, AccountsCommand.Rekey.class,
                AccountsCommand.Export.class, AccountsCommand.Import.class})
public final class AccountsCommand {
    @Option(names = {"-c", "--config"}, defaultValue = "config/pms-conversations.yaml", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "configuration file whose state store to use (default: ${DEFAULT-VALUE})")
    Path config;

    /** An operation on the accounts: its answer is printed as JSON; an error is printed with its code (exit 1 or 2). */
    @FunctionalInterface
    interface Operation {
        JsonNode run(AccountApi api, ApiAuth.Scope everyAccount);
    }

    int run(Operation operation) {
        return OperationsStore.with(config, null, (rc, store, ignored) -> {
            try (DefaultCamelContext camel = new DefaultCamelContext()) {
                camel.start();
                AccountApi api = api(rc, store, camel);
                JsonNode answer = operation.run(api, new ApiAuth.Scope("cli", null));
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
                return PmsConversations.OK;
            } catch (ApiException e) {
                System.err.println("error: " + e.code() + ": " + e.getMessage());
                return e.status() == 422 && !"VALIDATION_ERROR".equals(e.code()) || e.status() == 409 || e.status() >= 500
                        ? PmsConversations.FAILED : PmsConversations.BAD_INPUT;
            } catch (IOException | IllegalStateException e) { // e.g. credentials under a key this configuration lacks (named, not shown)
                System.err.println("error: " + e.getMessage());
                return PmsConversations.FAILED;
            }
        });
    }

    private static AccountApi api(RuntimeConfig rc, StateStore store, DefaultCamelContext camel) {
        SourceRegistry sources = SourceRegistry.load(rc.mappings(), false);
        AccountStore stored = new AccountStore(store.jdbc(), CredentialCipher.of(rc.store()));
        dev.pmsconversations.limits.RequestPermits permits = store.jdbc().postgres()
                ? new dev.pmsconversations.limits.SharedPermits(store.jdbc()) : dev.pmsconversations.limits.RequestPermits.local();
        AccountClients clients = new AccountClients(sources, new PmsHttp(camel, "cli", rc.pmsHttp()), RefreshTokens.in(store), permits,
                rc.accounts());
        // lifecycle events are queued in the store: the running nodes' sinks deliver them
        dev.pmsconversations.delivery.DeliveryService deliveries = new dev.pmsconversations.delivery.DeliveryService(
                new dev.pmsconversations.delivery.DeliveryStore(store.jdbc()), store.jdbc(), rc.sinksByName(),
                id -> List.of(), Clock.systemUTC(), java.time.Duration.ofSeconds(rc.delivery().leaseSeconds()), rc.delivery().maxBacklog());
        var health = new dev.pmsconversations.account.AccountHealth(store.jdbc(), Clock.systemUTC(), clients, stored, deliveries::queue);
        // no poll here: the running nodes follow the store by themselves
        return new AccountApi(store, sources, clients, stored, rc.sinksByName().keySet(), health, id -> { }, Clock.systemUTC(),
                rc.api().publicUrl());
    }

    /** {@code KEY=env:NAME} / {@code KEY=file:path} → the credentials object; the values are read, never printed. */
    static ObjectNode credentials(List<String> given, Path base) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (String g : given == null ? List.<String>of() : given) {
            int eq = g.indexOf('=');
            String k = eq < 0 ? g : g.substring(0, eq);
            String ref = eq < 0 ? "" : g.substring(eq + 1);
            String value;
            if (ref.startsWith("env:")) {
                value = System.getenv(ref.substring(4));
                if (value == null) {
                    throw ApiException.invalid("credentials." + k, "environment variable " + ref.substring(4) + " is not set");
                }
            } else if (ref.startsWith("file:")) {
                try {
                    value = Files.readString(base.resolve(ref.substring(5))).strip();
                } catch (IOException e) {
                    throw ApiException.invalid("credentials." + k, "cannot read " + ref.substring(5));
                }
            } else {
                throw ApiException.invalid("credentials." + k, "give it as " + k + "=env:NAME or " + k + "=file:path, not as a value");
            }
            out.put(k, value);
        }
        return out;
    }

    /** The fields both add and update take. */
    abstract static class Fields {
        @ParentCommand
        AccountsCommand parent;

        @Option(names = "--name")
        String name;

        @Option(names = "--external-ref", description = "your own id for it (e.g. the host's)")
        String externalRef;

        @Option(names = "--credential", description = "KEY=env:NAME or KEY=file:path (repeat)")
        List<String> credentials;

        @Option(names = "--every", description = "poll schedule, e.g. 60s, 5m")
        String every;

        @Option(names = "--cron", description = "poll schedule as a Quartz cron expression")
        String cron;

        @Option(names = "--sink", description = "a sink name (repeat; add: default every sink)")
        List<String> sinks;

        @Option(names = "--tag", description = "a tag (repeat)")
        List<String> tags;

        ObjectNode body() {
            ObjectNode b = Json.MAPPER.createObjectNode();
            if (name != null) {
                b.put("name", name);
            }
            if (externalRef != null) {
                b.put("externalRef", externalRef);
            }
            if (credentials != null) {
                b.set("credentials", credentials(credentials, parent.config.toAbsolutePath().getParent()));
            }
            if (every != null || cron != null) {
                ObjectNode s = b.putObject("schedule");
                if (every != null) {
                    s.put("every", every);
                }
                if (cron != null) {
                    s.put("cron", cron);
                }
            }
            if (sinks != null) {
                ArrayNode a = b.putArray("sinks");
                sinks.forEach(a::add);
            }
            if (tags != null) {
                ArrayNode a = b.putArray("tags");
                tags.forEach(a::add);
            }
            return b;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The accounts (the file's and those created at run time).")
    static final class ListAccounts implements Callable<Integer> {
        @ParentCommand
        AccountsCommand parent;

        @Option(names = "--source")
        String source;

        @Option(names = "--tag")
        String tag;

        @Override
        public Integer call() {
            return parent.run((api, scope) -> {
                Map<String, String> filters = new LinkedHashMap<>();
                filters.put("source", source);
                filters.put("tag", tag);
                filters.put("limit", "200");
                ArrayNode all = Json.MAPPER.createArrayNode();
                for (JsonNode page = api.list(scope, filters); ; page = api.list(scope, filters)) {
                    page.get("data").forEach(all::add);
                    if (page.at("/page/nextCursor").isNull() || page.at("/page/nextCursor").isMissingNode()) {
                        return all;
                    }
                    filters.put("cursor", page.at("/page/nextCursor").asText());
                }
            });
        }
    }

    /** A subcommand on one account, named by {@code --id}. */
    abstract static class OnOne implements Callable<Integer> {
        @ParentCommand
        AccountsCommand parent;

        @Option(names = "--id", required = true)
        String id;

        abstract JsonNode run(AccountApi api, ApiAuth.Scope scope);

        @Override
        public Integer call() {
            return parent.run(this::run);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One account (which credential keys are set, never a value).")
    static final class Show extends OnOne {
        @Override
        JsonNode run(AccountApi api, ApiAuth.Scope scope) {
            return api.get(scope, id);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create an account: its credentials are checked against the PMS first.")
    static final class Add extends Fields implements Callable<Integer> {
        @Option(names = "--id", description = "default: generated")
        String id;

        @Option(names = "--source", required = true)
        String source;

        @Option(names = "--base-url", description = "the PMS API's base URL when not the source file's (a sandbox)")
        String baseUrl;

        @Option(names = "--paused", description = "created paused")
        boolean paused;

        @Override
        public Integer call() {
            return parent.run((api, scope) -> {
                ObjectNode b = body().put("source", source);
                if (id != null) {
                    b.put("id", id);
                }
                if (baseUrl != null) {
                    b.put("baseUrl", baseUrl);
                }
                if (paused) {
                    b.put("paused", true);
                }
                if (!b.has("credentials")) {
                    b.putObject("credentials");
                }
                return api.create(scope, b);
            });
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change an account created at run time (credentials are checked first).")
    static final class Update extends Fields implements Callable<Integer> {
        @Option(names = "--id", required = true)
        String id;

        @Override
        public Integer call() {
            return parent.run((api, scope) -> api.patch(scope, id, body()));
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop polling an account (every node).")
    static final class Pause extends OnOne {
        @Override
        JsonNode run(AccountApi api, ApiAuth.Scope scope) {
            return api.patch(scope, id, Json.MAPPER.createObjectNode().put("paused", true));
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Poll a paused account again.")
    static final class Resume extends OnOne {
        @Override
        JsonNode run(AccountApi api, ApiAuth.Scope scope) {
            return api.patch(scope, id, Json.MAPPER.createObjectNode().put("paused", false));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an account created at run time; --purge erases its stored data.")
    static final class Remove extends OnOne {
        @Option(names = "--purge", description = "also erase its stored conversations, events, sends, webhooks and dead letters")
        boolean purge;

        @Override
        JsonNode run(AccountApi api, ApiAuth.Scope scope) {
            return api.delete(scope, id, purge);
        }
    }

    /**
     * Re-encrypts the stored credentials under {@code runtime.store.encryptionKey}: the key rotation's middle step, after
     * every node runs with the new key and the old one in {@code previousEncryptionKeys}, before the old one is dropped.
     */
    @Command(name = "rekey", mixinStandardHelpOptions = true, description = "Re-encrypt stored credentials under the current key.")
    static final class Rekey implements Callable<Integer> {
        @ParentCommand
        AccountsCommand parent;

        @Override
        public Integer call() {
            return OperationsStore.with(parent.config, null, (rc, store, ignored) -> {
                CredentialCipher cipher = CredentialCipher.of(rc.store());
                if (cipher == null) {
                    System.err.println("error: runtime.store.encryptionKey is not set in " + parent.config);
                    return PmsConversations.BAD_INPUT;
                }
                AccountStore stored = new AccountStore(store.jdbc(), cipher);
                try {
                    int n = stored.rekey(java.time.Instant.now());
                    System.out.println("re-encrypted " + n + " account(s) under key " + cipher.keyId() + "; accounts by key now: " + stored.keyIds());
                    return PmsConversations.OK;
                } catch (IllegalStateException e) { // a key neither current nor previous: named, never shown
                    System.err.println("error: " + e.getMessage());
                    return PmsConversations.FAILED;
                }
            });
        }
    }

    /** The store's accounts created at run time, to a file readable by its owner only (credentials stay encrypted). */
    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write the accounts created at run time to a file (owner-only; "
            + "credentials stay encrypted: the file opens where the same key is configured).")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        AccountsCommand parent;

        @Option(names = "--file", required = true)
        Path file;

        @Override
        public Integer call() {
            return OperationsStore.with(parent.config, null, (rc, store, ignored) -> {
                java.util.List<ObjectNode> rows = new AccountStore(store.jdbc(), CredentialCipher.of(rc.store())).exportRows();
                try {
                    StoreCommand.writeOwnerOnly(file, out -> {
                        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, Json.MAPPER.createObjectNode().put("format", "pms-accounts/1")
                                .set("accounts", Json.MAPPER.valueToTree(rows)));
                        return null;
                    });
                } catch (IOException e) {
                    System.err.println("error: " + e.getMessage());
                    return PmsConversations.BAD_INPUT;
                }
                System.out.println("exported " + rows.size() + " account(s) to " + file + " (readable by its owner only, credentials encrypted)");
                return PmsConversations.OK;
            });
        }
    }

    /** Accounts from {@code accounts export} into this configuration's store; the nodes follow them. */
    @Command(name = "import", mixinStandardHelpOptions = true, description = "Add the accounts of an export file to the store (the nodes follow them).")
    static final class Import implements Callable<Integer> {
        @ParentCommand
        AccountsCommand parent;

        @Option(names = "--file", required = true)
        Path file;

        @Option(names = "--replace", description = "overwrite accounts of the same id")
        boolean replace;

        @Override
        public Integer call() {
            JsonNode doc;
            try {
                doc = Json.MAPPER.readTree(Files.readString(file));
            } catch (IOException e) {
                System.err.println("error: cannot read " + file + ": " + e.getMessage());
                return PmsConversations.BAD_INPUT;
            }
            if (doc == null || !"pms-accounts/1".equals(doc.path("format").asText()) || !doc.path("accounts").isArray()) {
                System.err.println("error: " + file + " is not an accounts export (format pms-accounts/1)");
                return PmsConversations.BAD_INPUT;
            }
            java.util.List<JsonNode> rows = new java.util.ArrayList<>();
            doc.path("accounts").forEach(rows::add);
            return OperationsStore.with(parent.config, null, (rc, store, ignored) -> {
                SourceRegistry sources = SourceRegistry.load(rc.mappings(), false);
                for (JsonNode r : rows) { // what this deployment must have for them: their source and their sinks
                    String id = r.path("id").asText();
                    if (sources.get(r.path("source").asText()) == null) {
                        System.err.println("error: account '" + id + "': no source '" + r.path("source").asText() + "' in " + rc.mappings());
                        return PmsConversations.FAILED;
                    }
                    try {
                        for (JsonNode sink : Json.MAPPER.readTree(r.path("sinks").asText("[]"))) {
                            if (!rc.sinksByName().containsKey(sink.asText())) {
                                System.err.println("error: account '" + id + "': no sink '" + sink.asText() + "' in " + parent.config);
                                return PmsConversations.FAILED;
                            }
                        }
                    } catch (IOException e) {
                        System.err.println("error: account '" + id + "': its sinks are not a JSON array");
                        return PmsConversations.BAD_INPUT;
                    }
                }
                try {
                    java.util.List<String> ids = new AccountStore(store.jdbc(), CredentialCipher.of(rc.store()))
                            .importRows(rows, replace, java.time.Instant.now());
                    System.out.println("imported " + ids.size() + " account(s): " + ids);
                    return PmsConversations.OK;
                } catch (IllegalStateException e) { // no key, a key this store lacks, or an existing id: nothing written
                    System.err.println("error: " + e.getMessage());
                    return PmsConversations.FAILED;
                }
            });
        }
    }
}
