package dev.pmsconversations.cli;

import dev.pmsconversations.config.ConfigErrors;
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

/**
 * Checks the configuration and every mapping file; prints every problem with file, line and key: the configuration's
 * in line order (its accounts checked against the source files among them), then each mapping file's.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check config, route files and all mappings/ files; exit 2 with file:line: key: problem on errors.")
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
        List<YamlFileException> configProblems = new ArrayList<>();
        RuntimeConfig rc = null;
        if (Files.exists(config)) {
            try {
                ConfigLoader.Checked checked = new ConfigLoader().check(config);
                rc = checked.config();
                configProblems.addAll(checked.problems());
            } catch (YamlFileException e) {
                configProblems.add(e);
            }
        } else {
            problems.add(config + ": configuration file not found");
        }
        Path dir = mappings != null ? mappings : rc != null ? rc.mappings() : Path.of("mappings");
        List<YamlFileException> mappingProblems = new ArrayList<>();
        int files = 0;
        try {
            files = SourceRegistry.files(dir).size();
            mappingProblems.addAll(SourceRegistry.problems(dir));
            // the accounts are checked against the source files only when every source file loads
            if (rc != null && mappingProblems.isEmpty()) {
                configProblems.addAll(dev.pmsconversations.source.AccountChecks.errors(rc, SourceRegistry.load(dir, false)));
            }
        } catch (YamlFileException e) {
            mappingProblems.add(e);
        }
        ConfigErrors.inLineOrder(configProblems).forEach(p -> problems.add(p.getMessage()));
        if (rc != null) { // the route files Camel will load: missing components or languages, clashing route ids
            ClassLoader withPlugins = new dev.pmsconversations.plugins.PluginDirectory(rc.extensions().plugins())
                    .classLoader(ValidateCommand.class.getClassLoader());
            dev.pmsconversations.components.RouteChecks.problems(rc.routes(), rc.extraRoutes(),
                    new dev.pmsconversations.components.CamelComponents(withPlugins)).forEach(p -> problems.add(p.getMessage()));
        }
        mappingProblems.forEach(p -> problems.add(p.getMessage()));
        if (ports && rc != null) {
            problems.addAll(dev.pmsconversations.runtime.PortProbe.takenPorts(rc));
        }
        if (problems.isEmpty()) {
            System.out.println("OK: " + config + " (" + rc.accounts().size() + " accounts, " + rc.sinks().size() + " sinks) and "
                    + files + " mapping files in " + dir);
            return PmsConversations.OK;
        }
        problems.forEach(p -> System.err.println("error: " + p));
        return PmsConversations.BAD_INPUT;
    }
}
