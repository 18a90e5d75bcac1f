package dev.pmsconversations.cli;

import dev.pmsconversations.config.ConfigLoader;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.yaml.YamlFileException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration file a command reads: the one place the CLI turns a missing or invalid file into {@link BadInput},
 * which {@link PmsConversations} prints as {@code error: …} with exit code 2.
 */
final class ConfigFile {
    private ConfigFile() {
    }

    /** For commands that run the runtime: every credential must resolve. */
    static RuntimeConfig load(Path file) {
        return read(file, new ConfigLoader());
    }

    /** For operations commands (resync, dlq, store): only the store's own credential must resolve. */
    static RuntimeConfig loadForOperations(Path file) {
        return read(file, ConfigLoader.forOperations());
    }

    private static RuntimeConfig read(Path file, ConfigLoader loader) {
        if (!Files.exists(file)) {
            throw new BadInput(file + ": configuration file not found");
        }
        try {
            return loader.load(file);
        } catch (YamlFileException e) {
            throw new BadInput(e.getMessage());
        }
    }

    /** Input the user must fix (a file, an option): printed as {@code error: <message>}, exit code 2. */
    static final class BadInput extends RuntimeException {
        BadInput(String message) {
            super(message);
        }
    }
}
