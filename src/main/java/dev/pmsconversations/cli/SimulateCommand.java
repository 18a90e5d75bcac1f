package dev.pmsconversations.cli;

import dev.pmsconversations.simulator.PmsSimulator;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the PMS simulator on its own, e.g. to point a locally running runtime at it. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Serve the simulated PMS APIs on 127.0.0.1 until stopped.")
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8089", description = "port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--accounts", defaultValue = "1", description = "accounts per source (default: ${DEFAULT-VALUE})")
    int accounts;

    @Option(names = "--threads", defaultValue = "10", description = "threads per account (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--messages", defaultValue = "5", description = "messages per thread (default: ${DEFAULT-VALUE})")
    int messages;

    @Option(names = "--sources", split = ",", description = "only these sources (default: all)")
    List<String> only;

    @Option(names = "--accounts-yaml", description = "write the seeded accounts as the accounts: section of a runtime "
            + "configuration to this file (and print one line per source instead of one per account)")
    Path accountsYaml;

    @Option(names = "--enforce-limits", arity = "0..1", fallbackValue = "mappings", paramLabel = "MAPPINGS",
            description = "answer 429 beyond each source's published limits, as its source file in MAPPINGS "
                    + "(default: mappings) states them (those over at most 5 minutes; per account, or per IP: all accounts together)")
    Path limitsFrom;

    @Option(names = "--latency-millis", defaultValue = "0",
            description = "hold every answer this long, as a remote PMS's round trip does (default: ${DEFAULT-VALUE})")
    long latencyMillis;

    @Override
    public Integer call() throws Exception {
        PmsSimulator sim;
        try {
            sim = new PmsSimulator(port, seed);
        } catch (java.net.BindException e) {
            System.err.println("error: " + e.getMessage()); // names the port: "the simulator cannot listen on …"
            return PmsConversations.BAD_INPUT;
        }
        List<String> sources = only == null ? sim.sourceKeys() : only;
        sim.latency(java.time.Duration.ofMillis(latencyMillis));
        if (limitsFrom != null) {
            dev.pmsconversations.source.SourceRegistry registry = dev.pmsconversations.source.SourceRegistry.load(limitsFrom, false);
            for (String source : sources) {
                var def = registry.get(source);
                // the limits counted over 5 minutes at most (an hourly budget binds only after hours of work), else
                // the slowest; each by its scope (per account, or per IP: every account's requests together)
                var limits = def == null ? java.util.List.<dev.pmsconversations.limits.RateLimit>of() : def.api().rateLimits();
                var shortOnes = limits.stream().filter(l -> l.perSeconds() <= 300).toList();
                var enforced = !shortOnes.isEmpty() ? shortOnes : limits.stream()
                        .min(java.util.Comparator.comparingDouble(l -> (double) l.requests() / l.perSeconds())).stream().toList();
                for (var l : enforced) {
                    boolean perIp = l.scope() != dev.pmsconversations.limits.RateLimit.Scope.ACCOUNT;
                    sim.addRateLimit(source, l.requests(), l.perSeconds(), perIp);
                    System.out.println(source + ": " + l.requests() + " requests per " + l.perSeconds() + " s per "
                            + (perIp ? "IP (all accounts together)" : "account") + ", 429 beyond");
                }
            }
        }
        for (String source : sources) {
            for (int i = 1; i <= accounts; i++) {
                var a = sim.source(source).seed("sim-" + source + "-" + i, threads, messages);
                if (accountsYaml == null) {
                    System.out.println(source + " account " + a.id + " at " + sim.baseUrl(source) + " credentials " + a.credentials);
                }
            }
            if (accountsYaml != null) {
                System.out.println(source + ": " + accounts + " accounts at " + sim.baseUrl(source));
            }
        }
        if (accountsYaml != null) {
            writeAccounts(sim, sources);
        }
        System.out.println("Simulator listening on http://127.0.0.1:" + sim.port() + " (Ctrl-C to stop)");
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        new CountDownLatch(1).await();
        return PmsConversations.OK;
    }

    /** The accounts as the runtime's configuration lists them (credentials inline: they are the simulator's). */
    private void writeAccounts(PmsSimulator sim, List<String> sources) throws IOException {
        try (Writer out = Files.newBufferedWriter(accountsYaml, StandardCharsets.UTF_8)) {
            out.write("accounts:\n");
            for (int i = 1; i <= accounts; i++) { // interleaved, so a prefix of the list mixes the sources
                for (String source : sources) {
                    String id = "sim-" + source + "-" + i;
                    out.write("  - id: " + id + "\n    source: " + source + "\n    baseUrl: \"" + sim.baseUrl(source) + "\"\n    credentials:\n");
                    for (var c : sim.source(source).account(id).credentials.entrySet()) {
                        out.write("      " + c.getKey() + ": { value: \"" + c.getValue() + "\" }\n");
                    }
                }
            }
        }
    }
}
