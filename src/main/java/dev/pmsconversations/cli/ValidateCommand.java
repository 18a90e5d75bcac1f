package dev.pmsconversations.cli;

import dev.pmsconversations.config.ConfigLoader;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.yaml.YamlFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks the configuration and every mapping file; prints each problem with file, line and key. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check config and all mappings/ files; exit 2 with file:line: key: problem on errors.")
public final class ValidateCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "configuration file (default: ${DEFAULT-VALUE})",
            defaultValue = "config/pms-conversations.yaml")
    Path config;

    @Option(names = "--mappings", description = "mappings directory (default: from config, else mappings)")
    Path mappings;

    @Option(names = "--ports", description = "also check that the configured API and management ports are free")
    boolean ports;

    @Override
    public Integer call() {
        List<String> problems = new ArrayList<>();
        RuntimeConfig rc = null;
        if (Files.exists(config)) {
            try {
                rc = new ConfigLoader().load(config);
            } catch (YamlFileException e) {
                problems.add(e.getMessage());
            }
        } else {
            problems.add(config + ": configuration file not found");
        }
        Path dir = mappings != null ? mappings : rc != null ? rc.mappings() : Path.of("mappings");
        int files = 0;
        try {
            files = SourceRegistry.files(dir).size();
            SourceRegistry.problems(dir).forEach(p -> problems.add(p.getMessage()));
            if (rc != null && problems.isEmpty()) {
                problems.addAll(ConfigLoader.crossCheck(rc, SourceRegistry.load(dir, false)));
            }
        } catch (YamlFileException e) {
            problems.add(e.getMessage());
        }
        if (ports && rc != null) {
            problems.addAll(dev.pmsconversations.runtime.PortProbe.takenPorts(rc));
        }
        if (problems.isEmpty()) {
            System.out.println("OK: " + config + " (" + (rc == null ? 0 : rc.accounts().size()) + " accounts, "
                    + (rc == null ? 0 : rc.sinks().size()) + " sinks) and " + files + " mapping files in " + dir);
            return PmsConversations.OK;
        }
        problems.forEach(p -> System.err.println("error: " + p));
        return PmsConversations.BAD_INPUT;
    }
}
