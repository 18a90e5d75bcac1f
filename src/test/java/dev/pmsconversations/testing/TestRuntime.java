package dev.pmsconversations.testing;

import dev.pmsconversations.config.ConfigLoader;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.simulator.PmsSimulator;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** Builds a runtime configuration pointing at the simulator, with its own store and output directory. */
public final class TestRuntime {
    private TestRuntime() {
    }

    /** One account per source, ids {@code <source>-1}, file sink into {@code out}, a fresh in-memory H2 store. */
    public static RuntimeConfig config(PmsSimulator sim, Path out, List<String> sources) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("runtime:\n  store: { url: \"jdbc:h2:mem:").append(UUID.randomUUID()).append(";DB_CLOSE_DELAY=-1\" }\n");
        yaml.append("sinks:\n  - { name: files, type: file, directory: \"").append(out.toString().replace('\\', '/')).append("\" }\n");
        yaml.append("accounts:\n");
        for (String source : sources) {
            String id = source + "-1";
            yaml.append("  - id: ").append(id).append("\n    source: ").append(source)
                    .append("\n    baseUrl: \"").append(sim.baseUrl(source)).append("\"\n    credentials:\n");
            sim.source(source).account(id).credentials.forEach((k, v) ->
                    yaml.append("      ").append(k).append(": { value: \"").append(v).append("\" }\n"));
        }
        return new ConfigLoader().parse("test-config.yaml", yaml.toString());
    }
}
