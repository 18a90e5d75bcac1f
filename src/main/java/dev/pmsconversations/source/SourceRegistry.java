package dev.pmsconversations.source;

import dev.pmsconversations.yaml.YamlFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All source files of a {@code mappings/} directory, compiled once. In dev mode a file whose
 * modification time changed is recompiled at the next use (a bad edit keeps the last good version
 * and logs the error with file and line).
 */
public final class SourceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SourceRegistry.class);

    private final Path directory;
    private final boolean reload;
    private final Map<String, Loaded> sources = new ConcurrentHashMap<>();
    /** Told of each file reloaded in dev mode (its new definition). */
    private volatile java.util.function.Consumer<SourceDefinition> reloaded = d -> { };

    private record Loaded(SourceDefinition definition, long modified) {
    }

    private SourceRegistry(Path directory, boolean reload) {
        this.directory = directory;
        this.reload = reload;
    }

    /** Loads every file; throws on the first bad one (start-up must fail on a bad mapping). */
    public static SourceRegistry load(Path directory, boolean reload) {
        SourceRegistry registry = new SourceRegistry(directory, reload);
        for (Path file : files(directory)) {
            SourceDefinition def = SourceDefinition.load(file);
            registry.sources.put(def.key(), new Loaded(def, modified(file)));
        }
        return registry;
    }

    /** Every problem of every file, for {@code validate}. */
    public static List<YamlFileException> problems(Path directory) {
        List<YamlFileException> out = new ArrayList<>();
        for (Path file : files(directory)) {
            YamlFileException p = SourceDefinition.problem(file);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    public static List<Path> files(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new YamlFileException(directory.toString(), 0, null, "mappings directory not found");
        }
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> p.getFileName().toString().matches(".+\\.ya?ml$")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SourceDefinition get(String key) {
        Loaded loaded = sources.get(key);
        if (loaded == null) {
            return null;
        }
        if (reload) {
            long now = modified(loaded.definition().file());
            if (now != loaded.modified()) {
                try {
                    loaded = new Loaded(SourceDefinition.load(loaded.definition().file()), now);
                    sources.put(key, loaded);
                    LOG.info("Reloaded mapping {}", loaded.definition().file());
                    reloaded.accept(loaded.definition());
                } catch (YamlFileException e) {
                    LOG.error("Kept the previous version of {}: {}", key, e.getMessage());
                }
            }
        }
        return loaded.definition();
    }

    /** {@code listener} is told of each source file reloaded in dev mode, with its new definition. */
    public void onReload(java.util.function.Consumer<SourceDefinition> listener) {
        this.reloaded = listener;
    }

    public Map<String, SourceDefinition> all() {
        Map<String, SourceDefinition> out = new TreeMap<>();
        sources.keySet().forEach(k -> out.put(k, get(k)));
        return out;
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }
}
