package dev.pmsconversations.mapping;

/**
 * A native value is there but the rule cannot read it (a time in another format, "maybe" for a boolean, an unknown
 * time zone). Carries the raw value, so a tolerant field reports it and maps null (docs/mappings.md, "Tolerance").
 */
final class UnreadableValue extends MappingException {
    private final String raw;

    UnreadableValue(String source, String field, String raw, String problem) {
        super(source, field, problem);
        this.raw = raw;
    }

    String raw() {
        return raw;
    }
}
