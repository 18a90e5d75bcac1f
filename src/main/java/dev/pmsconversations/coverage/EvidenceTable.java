package dev.pmsconversations.coverage;

import dev.pmsconversations.mapping.Evidence;
import dev.pmsconversations.source.SourceDefinition;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The evidence grade of every mapped field per source (a source file's {@code mapping.evidence}), with counts per
 * source and the assumed fields listed with what would prove them: the part of docs/coverage.md that says how far
 * each mapped value can be trusted.
 */
final class EvidenceTable {
    static final String DOCUMENTED = "doc";
    static final String OBSERVED = "obs";
    static final String ASSUMED = "assumed";
    static final String UNGRADED = "?";

    private EvidenceTable() {
    }

    static String markdown(List<String> fields, List<String> sources, Map<String, String> names, Map<String, SourceDefinition> defs) {
        StringBuilder out = new StringBuilder("\n## Evidence per mapped field\n\n")
                .append("What each mapped field's native path rests on (`mapping.evidence` in the source file, with the citation):\n")
                .append("`").append(DOCUMENTED).append("` the vendor's docs or OpenAPI, `").append(OBSERVED)
                .append("` a recorded live response in a public client or its tests, `").append(ASSUMED)
                .append("` neither (listed below with what would prove it), `").append(UNGRADED).append("` not graded yet.\n\n");
        List<String> graded = sources.stream().filter(s -> defs.get(s) != null && defs.get(s).messaging()).toList();
        out.append("| field |");
        graded.forEach(s -> out.append(' ').append(names.get(s)).append(" |"));
        out.append("\n|---|");
        graded.forEach(s -> out.append("---|"));
        out.append('\n');
        Map<String, Map<Evidence.Grade, Integer>> counts = new java.util.LinkedHashMap<>();
        Map<String, Integer> ungraded = new java.util.LinkedHashMap<>();
        List<String> assumed = new ArrayList<>();
        for (String field : fields) {
            out.append("| ").append(field.equals("type") ? "type (deprecated)" : field).append(" |");
            for (String s : graded) {
                SourceDefinition def = defs.get(s);
                String cell = "";
                if (def.mapping().coverage().containsKey(field)) {
                    Evidence e = def.mapping().evidence().get(field);
                    if (e == null) {
                        cell = UNGRADED;
                        ungraded.merge(s, 1, Integer::sum);
                    } else {
                        cell = switch (e.grade()) {
                            case DOCUMENTED -> DOCUMENTED;
                            case OBSERVED -> OBSERVED;
                            case ASSUMED -> ASSUMED;
                        };
                        counts.computeIfAbsent(s, k -> new EnumMap<>(Evidence.Grade.class)).merge(e.grade(), 1, Integer::sum);
                        if (e.grade() == Evidence.Grade.ASSUMED) {
                            assumed.add(names.get(s) + " `" + field + "`: " + e.citation());
                        }
                    }
                }
                out.append(' ').append(cell).append(" |");
            }
            out.append('\n');
        }
        for (Evidence.Grade g : Evidence.Grade.values()) {
            out.append("| **").append(g.name().toLowerCase(java.util.Locale.ROOT)).append("** |");
            graded.forEach(s -> out.append(' ').append(counts.getOrDefault(s, Map.of()).getOrDefault(g, 0)).append(" |"));
            out.append('\n');
        }
        out.append("| **not graded** |");
        graded.forEach(s -> out.append(' ').append(ungraded.getOrDefault(s, 0)).append(" |"));
        out.append('\n');
        if (!assumed.isEmpty()) {
            out.append("\n### Assumed fields, and what would prove them\n\n");
            assumed.forEach(a -> out.append("- ").append(a).append('\n'));
        }
        return out.toString();
    }
}
