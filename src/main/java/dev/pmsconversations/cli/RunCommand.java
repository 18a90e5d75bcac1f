package dev.pmsconversations.cli;

import dev.pmsconversations.config.ConfigLoader;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.runtime.PmsConfiguration;
import dev.pmsconversations.yaml.YamlFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the runtime until stopped: polls every account on its schedule and delivers to its sinks. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the sync runtime with a configuration file.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, defaultValue = "config/pms-conversations.yaml",
            description = "configuration file (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--dev", description = "dev mode: live-reload routes/ and mappings/ on change")
    boolean dev;

    @Override
    public Integer call() throws Exception {
        RuntimeConfig rc;
        PmsConfiguration pms;
        try {
            rc = new ConfigLoader().load(config);
            if (dev) {
                rc = rc.withDevMode(true);
            }
            pms = new PmsConfiguration(rc);
        } catch (YamlFileException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            return PmsConversations.BAD_INPUT;
        }
        Main main = new Main();
        pms.apply(main);
        main.configure().withName("pms-conversations");
        int accounts = rc.accounts().size();
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void afterStart(org.apache.camel.main.BaseMainSupport m) {
                pms.sync().onPoll(Progress.onConsole("first sync", accounts)::polled); // later polls: the log only
            }
        });
        main.run();
        return main.getExitCode();
    }
}
