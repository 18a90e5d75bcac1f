package dev.pmsconversations.config;

import dev.pmsconversations.yaml.YamlFileException;
import dev.pmsconversations.yaml.YamlNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Function;

/** Reads the configuration's credential references ({@code env:}, {@code file:}, {@code value:}) into {@link Secret}s. */
final class SecretReader {
    private final Function<String, String> env;
    private final boolean operations;

    /** {@code operations}: a missing variable or file of a credential that is not required is no problem of the file. */
    SecretReader(Function<String, String> env, boolean operations) {
        this.env = env;
        this.operations = operations;
    }

    /**
     * A credential reference. A missing environment variable or unreadable file is a problem of the file (recorded;
     * loading goes on) unless this loader is for operations commands and the credential is not {@code required}:
     * then it is only an {@linkplain Secret#unavailable unavailable} secret.
     */
    Secret read(YamlNode ref, Path base, LoadProblems p, boolean required) {
        p.onlyKeys(ref, Set.of("env", "file", "value"));
        if (ref.has("env")) {
            String name = ref.text("env");
            String v = env.apply(name);
            if (v == null || v.isEmpty()) {
                return unavailable(ref.get("env").error("environment variable '" + name + "' is not set"), "env:" + name, required, p);
            }
            return new Secret(v, "env:" + name);
        }
        if (ref.has("file")) {
            Path file = base.resolve(ref.text("file"));
            try {
                return new Secret(Files.readString(file).strip(), "file:" + ref.text("file"));
            } catch (IOException e) {
                return unavailable(ref.get("file").error("cannot read secret file '" + ref.text("file") + "'"), "file:" + ref.text("file"),
                        required, p);
            }
        }
        if (ref.has("value")) {
            return new Secret(ref.text("value"), "inline value");
        }
        throw ref.error("a credential is {env: NAME}, {file: path} or (demos only) {value: ...}");
    }

    private Secret unavailable(YamlFileException problem, String reference, boolean required, LoadProblems p) {
        if (required) {
            throw problem;
        }
        if (!operations) {
            p.add(problem);
        }
        return Secret.unavailable(reference, problem.getMessage());
    }
}
