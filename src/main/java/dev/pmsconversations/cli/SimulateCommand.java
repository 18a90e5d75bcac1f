package dev.pmsconversations.cli;

import dev.pmsconversations.simulator.PmsSimulator;
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

    @Override
    public Integer call() throws Exception {
        PmsSimulator sim = new PmsSimulator(port, seed);
        for (String source : sim.sourceKeys()) {
            for (int i = 1; i <= accounts; i++) {
                var a = sim.source(source).seed("sim-" + source + "-" + i, threads, messages);
                System.out.println(source + " account " + a.id + " at " + sim.baseUrl(source) + " credentials " + a.credentials);
            }
        }
        System.out.println("Simulator listening on http://127.0.0.1:" + sim.port() + " (Ctrl-C to stop)");
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        new CountDownLatch(1).await();
        return PmsConversations.OK;
    }
}
