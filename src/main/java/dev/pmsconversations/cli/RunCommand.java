package dev.pmsconversations.cli;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.runtime.ListeningServers;
import dev.pmsconversations.runtime.PmsConfiguration;
import dev.pmsconversations.runtime.PortUnavailableException;
import dev.pmsconversations.yaml.YamlFileException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the runtime until stopped: polls every account on its schedule and delivers to its sinks. SIGTERM or SIGINT
 * stop it gracefully with exit code 0; a server that cannot listen on its port stops the start with exit code 2.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the sync runtime with a configuration file.")
public final class RunCommand implements Callable<Integer> {
    /**
     * Seconds in-flight work (a poll, a delivery, a send) gets to finish at a stop; what still runs then is handed
     * back (its lease runs out, a poll's cursor has not moved). Camel's default is 45 s; with this the whole stop stays
     * under 10 s, as systemd's and Docker's stop timeouts expect.
     */
    static final int SHUTDOWN_SECONDS = 4;

    @Option(names = {"-c", "--config"}, defaultValue = "config/pms-conversations.yaml",
            description = "configuration file (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--dev", description = "dev mode: live-reload routes/ and mappings/ on change")
    boolean dev;

    @Override
    public Integer call() throws Exception {
        RuntimeConfig rc = ConfigFile.load(config);
        if (dev) {
            rc = rc.withDevMode(true);
        }
        PmsConfiguration pms;
        try {
            pms = new PmsConfiguration(rc);
        } catch (YamlFileException | IllegalStateException e) { // a mapping file, or an account against its source
            throw new ConfigFile.BadInput(e.getMessage());
        }
        // the node id in every log line from here on (log4j2.properties reads this property on each event)
        System.setProperty("pms.node", rc.cluster().nodeId());
        RuntimeBanner.LOG.info(RuntimeBanner.starting(rc));
        Main main = new Main();
        pms.apply(main);
        main.configure().withName("pms-conversations").withShutdownTimeout(SHUTDOWN_SECONDS);
        // without camel-main's hangup hook: StopSignals stops the runtime, and the JVM then exits with our code
        main.setShutdownStrategy(new SimpleMainShutdownStrategy());
        ListeningServers servers = new ListeningServers();
        RuntimeConfig configured = rc;
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                try {
                    m.getCamelContext().addStartupListener(servers);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                reportFirstSyncs(pms, configured); // before the routes start: no poll has stored anything yet
            }

            @Override
            public void afterStart(BaseMainSupport m) {
                RuntimeBanner.LOG.info(RuntimeBanner.ready(uptime(), servers.api(), servers.management()));
            }
        });
        StopSignals signals = StopSignals.install(main::completed);
        int code;
        try {
            main.run();
            code = signals.received().isPresent() ? PmsConversations.OK : main.getExitCode();
        } catch (Exception e) {
            Optional<PortUnavailableException> port = PortUnavailableException.in(e);
            if (port.isEmpty()) {
                throw e;
            }
            System.err.println("error: " + port.get().getMessage());
            code = PmsConversations.BAD_INPUT;
        }
        RuntimeBanner.LOG.info(RuntimeBanner.stopped(uptime(), signals.received(), code));
        return code;
    }

    /**
     * Progress lines for the accounts the store knows nothing of (no cursor, no conversation); an account with
     * stored state (a restart, a second node) is resumed, not synced for the first time.
     */
    private static void reportFirstSyncs(PmsConfiguration pms, RuntimeConfig rc) {
        Set<String> stored = pms.store().accountsWithState();
        List<String> resumed = rc.accounts().stream().map(AccountConfig::id).filter(stored::contains).toList();
        if (!resumed.isEmpty()) {
            RuntimeBanner.LOG.info(RuntimeBanner.resumed(resumed));
        }
        Set<String> fresh = new java.util.LinkedHashSet<>();
        rc.accounts().stream().map(AccountConfig::id).filter(id -> !stored.contains(id)).forEach(fresh::add);
        pms.sync().onPoll(Progress.onConsole("first sync", fresh)::polled); // later polls: the log only
    }

    private static Duration uptime() {
        return Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
    }
}
