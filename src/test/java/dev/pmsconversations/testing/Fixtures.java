package dev.pmsconversations.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Golden fixtures: {@code fixtures/<source>/<name>.native.json} (a native bundle shaped like the vendor's
 * documentation) and {@code <name>.expected.json} (the unified Conversation, checked by hand).
 */
public final class Fixtures {
    public static final Path ROOT = Path.of("src/test/resources/fixtures");

    private Fixtures() {
    }

    public record Fixture(String source, String name, Path nativeFile, Path expectedFile) {
        public JsonNode nativeBundle() {
            return read(nativeFile);
        }

        public JsonNode expected() {
            return read(expectedFile);
        }

        /** The native bundle mapped by its source's file in mappings/. */
        public dev.pmsconversations.model.Conversation mapped() {
            return Sources.REGISTRY.get(source).mapping().map(dev.pmsconversations.mapping.NativeBundle.fromJson(nativeBundle()));
        }

        @Override
        public String toString() {
            return source + "/" + name;
        }
    }

    /** The project's source files, loaded once for every test that maps a fixture. */
    private static final class Sources {
        static final dev.pmsconversations.source.SourceRegistry REGISTRY =
                dev.pmsconversations.source.SourceRegistry.load(Path.of("mappings"), false);
    }

    public static List<Fixture> all() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".native.json")).sorted().map(p -> {
                String name = p.getFileName().toString().replace(".native.json", "");
                return new Fixture(p.getParent().getFileName().toString(), name, p, p.resolveSibling(name + ".expected.json"));
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Fixture> of(String source) {
        return all().stream().filter(f -> f.source().equals(source)).toList();
    }

    public static JsonNode read(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
