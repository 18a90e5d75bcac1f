package dev.pmsconversations.coverage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The field coverage matrix (docs/coverage.md), generated from {@code mappings/} and the golden fixtures,
 * against the spec's "field support per source" table: a field counts as covered only when a source file
 * maps it AND a hand-checked fixture's expected output has a value for it.
 */
public final class CoverageMatrix {
    /** Every source of the mission, in the spec's column order, then the one without a matrix column. */
    public static final List<String> SOURCES = List.of("hostfully", "guesty", "hostaway", "lodgify", "hostify", "ownerrez",
            "bookingsync", "beds24", "hospitable", "resly", "smoobu", "fantasticstay", "yourrentals", "hostex", "rentalwise",
            "uplisting");

    private static final Map<String, String> DISPLAY_NAMES = Map.of("ownerrez", "OwnerRez", "bookingsync", "BookingSync",
            "hospitable", "Hospitable", "resly", "Resly", "fantasticstay", "FantasticStay", "yourrentals", "Your.Rentals",
            "hostex", "Hostex", "rentalwise", "RentalWise", "uplisting", "Uplisting");

    public static final String PROVEN = "✅";
    public static final String BEYOND = "✅+";
    public static final String ASSUMED = "assumed";
    public static final String NOT_IN_SOURCE = "–";
    public static final String UNAVAILABLE = "n/a";
    public static final String PLANNED = "planned";
    public static final String NO_MESSAGING = "no API";
    public static final String NO_FIXTURE = "✖ no fixture";
    public static final String MISSING = "✖ unmapped";

    private final Map<String, Map<String, String>> spec;      // field -> source -> spec symbol
    private final Map<String, Map<String, String>> cells = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> sourceNames = new LinkedHashMap<>();
    private final List<String> sources = new ArrayList<>();
    private final Map<String, SourceDefinition> definitions = new LinkedHashMap<>();

    private CoverageMatrix(Map<String, Map<String, String>> spec) {
        this.spec = spec;
    }

    /**
     * Builds the matrix from the source files in {@code mappings} and the fixtures under {@code fixtures/<source>/}.
     * A source file the spec does not list gets a column after the spec's sources, so a new source is never left out.
     */
    public static CoverageMatrix build(SourceRegistry registry, Path fixtures) {
        CoverageMatrix m = new CoverageMatrix(readSpec());
        for (String field : m.spec.keySet()) {
            m.cells.put(field, new LinkedHashMap<>());
        }
        m.sources.addAll(SOURCES);
        registry.all().keySet().stream().filter(k -> !SOURCES.contains(k)).forEach(m.sources::add);
        for (String source : m.sources) {
            SourceDefinition def = registry.all().get(source);
            m.definitions.put(source, def);
            m.sourceNames.put(source, def != null ? def.name() : DISPLAY_NAMES.getOrDefault(source, source));
            List<JsonNode> expected = def == null || !def.messaging() ? List.of() : expectedOutputs(def, fixtures.resolve(source));
            if (def != null && def.messaging() && expected.isEmpty()) {
                m.problems.add(def.name() + " (" + def.file().getFileName() + "): no fixtures in " + fixtures.resolve(source)
                        + " (add <name>.native.json and its hand-checked <name>.expected.json)");
            }
            m.fill(source, def, expected);
        }
        return m;
    }

    private void fill(String source, SourceDefinition def, List<JsonNode> expected) {
        for (String field : spec.keySet()) {
            String specSymbol = spec.get(field).getOrDefault(source, "");
            String cell;
            if (def == null) {
                cell = PLANNED;
            } else if (!def.messaging()) {
                cell = NO_MESSAGING;
            } else {
                String mapped = def.mapping().coverage().get(field);
                boolean proven = expected.stream().anyMatch(e -> hasValue(e, field));
                if (mapped != null && !def.mapping().evidence().containsKey(field)) {
                    problems.add(def.name() + ": `" + field + "` is mapped without its evidence (add it to mapping.evidence in "
                            + def.file().getFileName() + ": documented, observed or assumed, docs/mappings.md#evidence)");
                }
                if (mapped == null) {
                    if (def.unavailable().containsKey(field)) {
                        cell = UNAVAILABLE;
                        notes.add(def.name() + " `" + field + "`: " + def.unavailable().get(field));
                    } else if (specSymbol.equals("✅")) {
                        cell = MISSING;
                        problems.add(def.name() + ": `" + field + "` is ✅ in the spec but not mapped (map it, or say why under `unavailable:` in "
                                + def.file().getFileName() + ")");
                    } else {
                        cell = NOT_IN_SOURCE;
                    }
                } else if (!proven) {
                    cell = NO_FIXTURE;
                    if (!expected.isEmpty()) { // without any fixture, the source's one problem says so
                        problems.add(def.name() + ": `" + field + "` is mapped but no fixture's expected output has a value for it");
                    }
                } else if (mapped.equals("assumed")) {
                    cell = ASSUMED;
                } else {
                    cell = specSymbol.equals("✅") ? PROVEN : BEYOND;
                }
            }
            cells.get(field).put(source, cell);
        }
    }

    /** What a test asserts is empty: mapped fields without a proving fixture, spec ✅ fields left unmapped. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    public String cell(String field, String source) {
        return cells.get(field).get(source);
    }

    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Field coverage per source\n\n")
                .append("Generated from `mappings/` and the golden fixtures (`src/test/resources/fixtures/`) by\n")
                .append("`java -jar target/pms-conversations.jar coverage --out docs/coverage.md`; `CoverageTest` fails when this\n")
                .append("file is stale or when a mapped field has no fixture proving it. Do not edit by hand.\n\n")
                .append("| cell | meaning |\n|---|---|\n")
                .append("| ").append(PROVEN).append(" | mapped, and a hand-checked fixture shows a value for it |\n")
                .append("| ").append(BEYOND).append(" | as ✅, for a field the reference API does not publish for this source |\n")
                .append("| ").append(ASSUMED).append(" | mapped from a path neither the vendor's docs nor a recorded response confirm (`assumed: true`, or graded assumed: see the evidence below); the fixture follows the assumption |\n")
                .append("| ").append(UNAVAILABLE).append(" | the spec expects it, the source's public API does not give it (reason below) |\n")
                .append("| ").append(NOT_IN_SOURCE).append(" | not in the source |\n")
                .append("| ").append(PLANNED).append(" | the source's file is not written yet |\n")
                .append("| ").append(NO_MESSAGING).append(" | the source has no messaging API |\n\n")
                .append("The deprecated conversation `type` is not in the default output (see the spec); its cells are proven by\n")
                .append("mapping the fixtures' native documents.\n\n");
        out.append("| field |");
        sources.forEach(s -> out.append(' ').append(sourceNames.get(s)).append(" |"));
        out.append("\n|---|");
        sources.forEach(s -> out.append("---|"));
        out.append('\n');
        cells.forEach((field, row) -> {
            out.append("| ").append(field.equals("type") ? "type (deprecated)" : field).append(" |");
            sources.forEach(s -> out.append(' ').append(row.get(s)).append(" |"));
            out.append('\n');
        });
        out.append(EvidenceTable.markdown(List.copyOf(cells.keySet()), sources, sourceNames, definitions));
        if (!notes.isEmpty()) {
            out.append("\n## Not available in the public API\n\n");
            notes.forEach(n -> out.append("- ").append(n).append('\n'));
        }
        if (!problems.isEmpty()) {
            out.append("\n## Gaps\n\n");
            problems.forEach(p -> out.append("- ").append(p).append('\n'));
        }
        return out.toString();
    }

    /** True when the unified output {@code c} has a value for {@code field} (any message / attachment for theirs). */
    static boolean hasValue(JsonNode c, String field) {
        String f = field.equals("type (deprecated)") ? "type" : field;
        if (f.startsWith("messages.attachments.")) {
            String leaf = f.substring("messages.attachments.".length());
            for (JsonNode m : c.path("messages")) {
                for (JsonNode a : m.path("attachments")) {
                    if (present(a.at("/" + leaf.replace('.', '/')))) {
                        return true;
                    }
                }
            }
            return false;
        }
        if (f.startsWith("messages.")) {
            for (JsonNode m : c.path("messages")) {
                if (present(m.path(f.substring("messages.".length())))) {
                    return true;
                }
            }
            return false;
        }
        return present(c.at("/" + f.replace('.', '/')));
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isMissingNode() && !n.isNull() && !(n.isTextual() && n.asText().isEmpty());
    }

    /**
     * The hand-checked expected outputs of a source's fixtures. The deprecated conversation {@code type} is not in
     * the default output, so it is added from mapping the fixture's native bundle (the only value not read from a
     * hand-checked file).
     */
    private static List<JsonNode> expectedOutputs(SourceDefinition def, Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<JsonNode> out = new ArrayList<>();
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".expected.json")).sorted().toList()) {
                com.fasterxml.jackson.databind.node.ObjectNode expected = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(p.toFile());
                Path nativeFile = p.resolveSibling(p.getFileName().toString().replace(".expected.json", ".native.json"));
                if (Files.exists(nativeFile)) {
                    var mapped = def.mapping().map(dev.pmsconversations.mapping.NativeBundle.fromJson(Json.MAPPER.readTree(nativeFile.toFile())));
                    expected.put("type", mapped.type());
                }
                out.add(expected);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The spec's table (resource spec/field-support.md): field row -> source key -> symbol. */
    static Map<String, Map<String, String>> readSpec() {
        String text;
        try (InputStream in = CoverageMatrix.class.getResourceAsStream("/spec/field-support.md")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("resource spec/field-support.md is missing from the build", e);
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        List<String> columns = null;
        for (String line : text.split("\n")) {
            if (!line.startsWith("|") || line.startsWith("|---")) {
                continue;
            }
            String[] cols = line.substring(1, line.lastIndexOf('|')).split("\\|");
            List<String> values = Stream.of(cols).map(String::trim).toList();
            if (columns == null) {
                columns = values.subList(1, values.size()).stream().map(n -> n.toLowerCase().replaceAll("[^a-z0-9]", "")).toList();
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i < values.size(); i++) {
                row.put(columns.get(i - 1), values.get(i));
            }
            out.put(values.get(0).equals("type (deprecated)") ? "type" : values.get(0), row);
        }
        return out;
    }
}
