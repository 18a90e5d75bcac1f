package dev.pmsconversations.cli;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.ConfigLoader;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.runtime.ListeningServers;
import dev.pmsconversations.runtime.PmsConfiguration;
import dev.pmsconversations.runtime.PortUnavailableException;
import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.sync.AccountStatus;
import dev.pmsconversations.sync.SyncService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-command demo: starts the bundled PMS simulator, runs {@code config/demo.yaml} against it (one
 * account per simulated source), writes to {@code ./out/}, prints a summary per account and exits.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Sync one simulated account per source into ./out and print a summary.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, defaultValue = "config/demo.yaml", description = "demo configuration (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--threads", defaultValue = "8", description = "threads per simulated account (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--messages", defaultValue = "4", description = "messages per thread (default: ${DEFAULT-VALUE})")
    int messages;

    @Option(names = "--keep-polling", description = "keep polling every 10s (and serving the API) instead of exiting after the first sync")
    boolean keepPolling;

    @Option(names = "--api-port", defaultValue = "0", description = "port of the REST API and webhook receiver (default: a free port)")
    int apiPort;

    @Override
    public Integer call() throws Exception {
        try (PmsSimulator simulator = new PmsSimulator(0, 42)) {
            int port = apiPort > 0 ? apiPort : freePort();
            String text = Files.readString(config).replace("${simulator}", "http://127.0.0.1:" + simulator.port())
                    .replace("${apiPort}", Integer.toString(port));
            RuntimeConfig rc;
            try {
                rc = new ConfigLoader().parse(config.toString(), text);
            } catch (RuntimeException e) {
                System.err.println("error: " + e.getMessage());
                return PmsConversations.BAD_INPUT;
            }
            for (AccountConfig a : rc.accounts()) {
                if (simulator.sourceKeys().contains(a.source())) {
                    simulator.source(a.source()).seed(a.id(), threads, messages);
                }
            }
            for (var sink : rc.sinks()) {
                if (sink.type().equals("file")) {
                    Path dir = Path.of(sink.options().get("directory"));
                    clear(dir.resolve("conversations"));
                    clear(dir.resolve("events"));
                }
            }
            PmsConfiguration pms;
            try {
                pms = new PmsConfiguration(rc, a -> keepPolling
                        ? "trigger.repeatInterval=10000&trigger.repeatCount=-1&stateful=true"
                        : "trigger.repeatInterval=1000&trigger.repeatCount=0&stateful=true");
            } catch (RuntimeException e) {
                System.err.println("error: " + e.getMessage());
                return PmsConversations.BAD_INPUT;
            }
            DemoRoundTrip roundTrip = new DemoRoundTrip(simulator, rc);
            if (rc.api().enabled()) {
                roundTrip.registerWebhooks();
            }
            List<DemoRoundTrip.Result> roundTrips = new java.util.concurrent.CopyOnWriteArrayList<>();
            Main main = new Main();
            pms.apply(main);
            main.configure().withName("pms-conversations");
            Set<String> pending = ConcurrentHashMap.newKeySet();
            rc.accounts().forEach(a -> pending.add(a.id()));
            System.out.println("Demo: PMS simulator on http://127.0.0.1:" + simulator.port() + ", syncing "
                    + rc.accounts().size() + " accounts into " + rc.sinks().stream().map(s -> s.options().get("directory")).toList());
            main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
                @Override
                public void afterConfigure(org.apache.camel.main.BaseMainSupport m) {
                    try {
                        m.getCamelContext().addStartupListener(new ListeningServers()); // --api-port taken: exit 2
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void afterStart(org.apache.camel.main.BaseMainSupport m) {
                    Progress progress = Progress.onConsole("first sync", rc.accounts().size());
                    pms.sync().onPoll(s -> {
                        progress.polled(s);
                        if (pending.remove(s.accountId()) && pending.isEmpty()) {
                            if (rc.api().enabled()) {
                                System.out.println("API on http://127.0.0.1:" + port + " (token: see config/demo.yaml)");
                            }
                            if (!keepPolling) {
                                // off the poll thread: the round trip needs the routes running
                                new Thread(() -> {
                                    try {
                                        if (rc.api().enabled()) {
                                            roundTrips.addAll(roundTrip.run(pms.store()));
                                        }
                                    } catch (Exception e) {
                                        System.err.println("demo round trip failed: " + e.getMessage());
                                    } finally {
                                        main.completed();
                                    }
                                }, "demo-round-trip").start();
                            }
                        }
                    });
                }
            });
            try {
                main.run();
            } catch (Exception e) {
                PortUnavailableException taken = PortUnavailableException.in(e).orElseThrow(() -> e);
                System.err.println("error: " + taken.getMessage());
                return PmsConversations.BAD_INPUT;
            }
            int code = summary(pms.sync());
            notSynced(rc);
            if (!roundTrips.isEmpty()) {
                System.out.println();
                System.out.printf("%-22s %-24s %-10s %s%n", "account", "guest message (webhook)", "reply", "PMS message id");
                for (DemoRoundTrip.Result r : roundTrips) {
                    System.out.printf("%-22s %-24s %-10s %s%n", r.accountId(), r.webhookMessage(), r.sendStatus(), r.pmsMessageId());
                    if (!r.webhookMessage().equals("delivered") || !r.sendStatus().equals("SENT")) {
                        code = PmsConversations.FAILED;
                    }
                }
            }
            return code;
        } catch (java.net.BindException e) {
            System.err.println("error: " + e.getMessage()); // the simulator's port: "the simulator cannot listen on …"
            return PmsConversations.BAD_INPUT;
        }
    }

    private static int summary(SyncService sync) {
        System.out.println();
        System.out.printf("%-22s %-13s %6s %14s %9s %7s %9s%n", "account", "source", "polls", "conversations", "messages", "errors", "requests");
        int errors = 0;
        for (AccountStatus s : sync.status().values().stream().sorted(Comparator.comparing(AccountStatus::accountId)).toList()) {
            System.out.printf("%-22s %-13s %6d %14d %9d %7d %9d%n", s.accountId(), s.source(), s.polls(), s.conversations(),
                    s.messages(), s.errors(), s.requests());
            errors += s.errors();
            if (s.lastError() != null) {
                System.out.println("    last error: " + s.lastError());
            }
        }
        return errors == 0 ? PmsConversations.OK : PmsConversations.FAILED;
    }

    /** The sources whose PMS has no messaging API (Uplisting): listed so the summary covers every source. */
    private static void notSynced(RuntimeConfig rc) {
        dev.pmsconversations.source.SourceRegistry.load(rc.mappings(), false).all().values().stream()
                .filter(d -> !d.messaging()).sorted(Comparator.comparing(d -> d.key()))
                .forEach(d -> System.out.printf("%-22s %-13s not synced: %s%n", "-", d.key(), d.unsupportedReason()));
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void clear(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
