package dev.pmsconversations.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.mapping.ConversationMapping;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.SourceDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One source's first golden fixture, read from the project tree (run from the project root): the mapping file as the
 * runtime compiles it, the bundle as text, as a JsonNode (engine, hand-written) and as plain Maps/Lists (JSONata's
 * input type), so the benchmarks measure mapping and not parsing.
 */
record BenchFixture(String source, ConversationMapping mapping, String raw, JsonNode tree, Object plain, String expected) {

    static final Path MAPPINGS = Path.of("mappings");
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    static BenchFixture load(String source) {
        Path yaml = MAPPINGS.resolve(source + ".yaml");
        if (!Files.isRegularFile(yaml)) {
            throw new IllegalStateException("no " + yaml.toAbsolutePath() + ": run the benchmarks from the project root");
        }
        try {
            Path nativeFile = first(FIXTURES.resolve(source));
            String raw = Files.readString(nativeFile);
            String expected = Files.readString(Path.of(nativeFile.toString().replace(".native.json", ".expected.json")));
            return new BenchFixture(source, SourceDefinition.load(yaml).mapping(null), raw,
                    Json.MAPPER.readTree(raw), Json.MAPPER.readValue(raw, Object.class), expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The source's first fixture by name: the one the figures in docs/benchmarks.md were measured with (later
     * fixtures, e.g. the vendor-shaped ones, are for correctness, not for the benchmark's steady input).
     */
    private static Path first(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> natives = files.filter(p -> p.getFileName().toString().endsWith(".native.json")).sorted().toList();
            if (natives.isEmpty()) {
                throw new IllegalStateException(dir + ": no *.native.json");
            }
            return natives.get(0);
        }
    }
}
