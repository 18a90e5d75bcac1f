package dev.pmsconversations.mapping;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the mapping of one thread tolerated instead of rejecting the thread (docs/mappings.md, "Tolerance"): a field
 * the model expects that the native record did not have, a value the rule could not read, a value its table does
 * not know. Each such field was mapped to null or to its documented fallback. Kept per field and kind so a caller
 * can count drift of a PMS's payloads per source and field ({@link #counts()}).
 */
public record MappingReport(String source, List<Issue> issues) {

    public MappingReport {
        issues = List.copyOf(issues);
    }

    public enum Kind {
        /** the native record has no value for a field the model expects (spec type not nullable) */
        MISSING("missing"),
        /** a value is there but the rule cannot read it (a time in another format, "maybe" for a boolean) */
        UNREADABLE("unreadable"),
        /** a value the field's {@code values} table does not list */
        UNKNOWN_VALUE("unknownValue");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name used in documentation and output: missing, unreadable, unknownValue. */
        public String label() {
            return label;
        }
    }

    /**
     * One tolerated field. {@code field} is the unified field (e.g. {@code messages.createdAt}); {@code raw} the
     * native value as text (null when missing); {@code at} the message it belongs to ({@code message[id=...]}, null
     * for the conversation's own fields); {@code detail} what was done or why it could not be read.
     */
    public record Issue(String field, Kind kind, String raw, String at, String detail) {
        @Override
        public String toString() {
            return field + ": " + kind.label() + (raw == null ? "" : " '" + FieldCompiler.abbreviate(raw) + "'")
                    + (at == null ? "" : " at " + at) + (detail == null ? "" : " (" + detail + ")");
        }
    }

    /** The key drift is counted by. */
    public record Drift(String field, Kind kind) {
    }

    public boolean isEmpty() {
        return issues.isEmpty();
    }

    /** Occurrences per field and kind, in the order first seen. */
    public Map<Drift, Integer> counts() {
        Map<Drift, Integer> out = new LinkedHashMap<>();
        for (Issue i : issues) {
            out.merge(new Drift(i.field(), i.kind()), 1, Integer::sum);
        }
        return out;
    }
}
