package dev.pmsconversations.mapping;

import dev.pmsconversations.yaml.YamlNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a mapped field is believed (docs/mappings.md "Evidence"): {@code documented} (the vendor's docs or OpenAPI, cited),
 * {@code observed} (a recorded live response in a public client or its tests, cited) or {@code assumed} (neither; the
 * citation says what would prove it). Read from a source file's {@code mapping.evidence}, one entry per mapped field.
 */
public record Evidence(Grade grade, String citation) {
    public enum Grade { DOCUMENTED, OBSERVED, ASSUMED }

    /**
     * The {@code evidence:} section: keys are fields the file maps ({@code coverage}), values {@code "<grade>: <citation>"}.
     * A field marked {@code assumed: true} cannot be documented or observed (drop the flag once it is proven); a field
     * graded assumed counts as assumed in the coverage matrix.
     */
    static Map<String, Evidence> read(YamlNode section, Map<String, String> coverage) {
        Map<String, Evidence> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : section.entries().entrySet()) {
            String field = e.getKey();
            YamlNode value = e.getValue();
            if (!coverage.containsKey(field)) {
                throw value.error("'" + field + "' is not a field this file maps; one of " + coverage.keySet());
            }
            String text = value.text();
            int colon = text.indexOf(':');
            Grade grade = colon < 0 ? null : switch (text.substring(0, colon).trim()) {
                case "documented" -> Grade.DOCUMENTED;
                case "observed" -> Grade.OBSERVED;
                case "assumed" -> Grade.ASSUMED;
                default -> null;
            };
            String citation = colon < 0 ? "" : text.substring(colon + 1).trim();
            if (grade == null || citation.length() < 10) {
                throw value.error("\"documented: <the vendor's page>\", \"observed: <the recorded response>\" or"
                        + " \"assumed: <what would prove it>\"");
            }
            if (grade != Grade.ASSUMED && coverage.get(field).equals("assumed")) {
                throw value.error("'" + field + "' is marked assumed: true in the mapping; drop the flag now that it is "
                        + grade.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (grade == Grade.ASSUMED) {
                coverage.put(field, "assumed");
            }
            out.put(field, new Evidence(grade, citation));
        }
        return out;
    }
}
