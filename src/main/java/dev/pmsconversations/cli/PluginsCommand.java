package dev.pmsconversations.cli;

import dev.pmsconversations.plugins.PluginDirectory;
import dev.pmsconversations.plugins.PluginResolver;
import dev.pmsconversations.plugins.RuntimeArtifacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.eclipse.aether.artifact.Artifact;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code plugins add <group:artifact[:version]>} resolves a Camel component and what it needs into the plugin directory
 * (the version defaults to the runtime's Camel version; another Camel version is refused); {@code plugins list} shows
 * the jars there and the components they provide. The runtime loads them at start-up (docs/extending.md).
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "Add Camel components (and their libraries) to the plugin directory, or list it.",
        subcommands = {PluginsCommand.Add.class, PluginsCommand.ListPlugins.class})
public final class PluginsCommand {
    @Option(names = "--dir", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "plugin directory (default: runtime.plugins of --config when that file exists, else plugins)")
    Path dir;

    @Option(names = {"-c", "--config"}, defaultValue = "config/pms-conversations.yaml", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "configuration whose runtime.plugins to use (default: ${DEFAULT-VALUE})")
    Path config;

    PluginDirectory directory() {
        if (dir != null) {
            return new PluginDirectory(dir);
        }
        return new PluginDirectory(Files.exists(config) ? ConfigFile.loadForOperations(config).extensions().plugins() : Path.of("plugins"));
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Resolve a component and its dependencies from a Maven repository into the plugin directory.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        PluginsCommand parent;

        @Parameters(paramLabel = "<groupId:artifactId[:version]>", description = "e.g. org.apache.camel:camel-nats (version: the runtime's Camel)")
        String coordinates;

        @Option(names = "--repo", description = "Maven repository URL (default: ${DEFAULT-VALUE}); ~/.m2/repository is looked at first",
                defaultValue = PluginResolver.CENTRAL)
        String repo;

        @Option(names = "--local-repo", description = "local Maven repository to resolve into (default: the one Maven uses, ~/.m2/repository)")
        Path localRepo;

        @Override
        public Integer call() throws IOException {
            RuntimeArtifacts runtime = RuntimeArtifacts.ofThisRuntime();
            String[] parts = coordinates.split(":");
            if (parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
                System.err.println("error: '" + coordinates + "' is not groupId:artifactId[:version]");
                return PmsConversations.BAD_INPUT;
            }
            if (parts.length == 2 && !parts[0].equals("org.apache.camel")) {
                System.err.println("error: '" + coordinates + "': give the version (only Camel's own components default to the runtime's Camel version)");
                return PmsConversations.BAD_INPUT;
            }
            String camel = runtime.camelVersion();
            String wanted = parts.length == 3 ? coordinates : coordinates + ":" + camel;
            List<Artifact> resolved;
            try {
                resolved = new PluginResolver(localRepo != null ? localRepo : PluginResolver.mavensLocalRepository(), repo).resolve(wanted);
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return PmsConversations.BAD_INPUT;
            }
            for (Artifact a : resolved) { // a component of another Camel would run on this Camel's core: refused
                String ours = a.getGroupId().equals("org.apache.camel") ? runtime.version(a.getGroupId(), a.getArtifactId()) : null;
                if (ours != null && !ours.equals(a.getVersion())) {
                    System.err.println("error: " + wanted + " is built for Camel " + a.getVersion() + " (it needs org.apache.camel:"
                            + a.getArtifactId() + ":" + a.getVersion() + "); this runtime is Camel " + camel
                            + ": add version " + camel + " (the default when no version is given)");
                    return PmsConversations.BAD_INPUT;
                }
            }
            PluginDirectory plugins = parent.directory();
            Files.createDirectories(plugins.path());
            List<String> added = new ArrayList<>();
            List<String> components = new ArrayList<>();
            int inRuntime = 0;
            for (Artifact a : resolved) {
                if (runtime.version(a.getGroupId(), a.getArtifactId()) != null) {
                    inRuntime++; // the runtime's copy is used (a second one would be shadowed by it anyway)
                    continue;
                }
                Path target = plugins.path().resolve(a.getFile().getName());
                Files.copy(a.getFile().toPath(), target, StandardCopyOption.REPLACE_EXISTING);
                added.add(target.getFileName().toString());
                components.addAll(PluginDirectory.components(target));
            }
            System.out.println("added " + wanted + " to " + plugins.path() + ": " + added.size() + " jars " + added
                    + (components.isEmpty() ? "" : ", components " + components) + "; " + inRuntime
                    + " dependencies are the runtime's own. Restart the runtime to load them.");
            return PmsConversations.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The plugin jars and the Camel components they provide.")
    static final class ListPlugins implements Callable<Integer> {
        @ParentCommand
        PluginsCommand parent;

        @Override
        public Integer call() {
            PluginDirectory plugins = parent.directory();
            List<Path> jars = plugins.jars();
            if (jars.isEmpty()) {
                System.out.println("no plugins in " + plugins.path());
                return PmsConversations.OK;
            }
            for (Path jar : jars) {
                List<String> components = PluginDirectory.components(jar);
                System.out.println(jar.getFileName() + (components.isEmpty() ? "" : "  components: " + String.join(", ", components)));
            }
            return PmsConversations.OK;
        }
    }
}
