package dev.pmsconversations.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.yaml.YamlNode;
import java.util.Map;

/**
 * One unified field of a mapping file, compiled: its reader, and what happens when the native record gives no
 * usable value. The tolerance policy (docs/mappings.md, "Tolerance"): by default the field becomes null (or its
 * fallback) and the report says why; only {@code required: true}, or {@code onUnknown: error} for an unlisted
 * value, make it an error that rejects the thread.
 */
final class Field {
    /**
     * Fields the model types as non-null: their absence is reported (with what was done instead, "" for null), that
     * of the others is the normal case.
     */
    private static final Map<String, String> EXPECTED = Map.of("reservationId", "", "propertyId", "",
            "messages.id", "id derived from source, conversation, sender, time and body",
            "messages.createdAt", "placed after the timed messages, in the API's order",
            "messages.body", "", "messages.senderType", "");
    /** The spec's value for "the source has the field, but its value is not one we recognise". */
    private static final Map<String, String> UNKNOWN_FALLBACK = Map.of(
            "messages.type", "UNKNOWN", "messages.seenStatus", "UNKNOWN");

    static final Field NONE = new Field(null, null, FieldReader.NULL, false, false);

    private final String source;
    private final String name;
    private final FieldReader reader;
    private final boolean required;
    private final boolean unknownIsError;
    private final String missing; // null: a missing value is not reported

    private Field(String source, String name, FieldReader reader, boolean required, boolean unknownIsError) {
        this.source = source;
        this.name = name;
        this.reader = reader;
        this.required = required;
        this.unknownIsError = unknownIsError;
        this.missing = name == null ? null : EXPECTED.get(name);
    }

    /** {@code alwaysRequired}: the conversation id, which no file can make optional. */
    static Field of(String source, String name, FieldReader reader, YamlNode spec, boolean alwaysRequired) {
        boolean required = alwaysRequired;
        boolean unknownIsError = false;
        if (spec.isObject()) {
            required |= spec.bool("required", false);
            if (spec.has("onUnknown")) {
                String on = spec.text("onUnknown");
                if (!on.equals("error") && !on.equals("fallback")) {
                    throw spec.get("onUnknown").error("'" + on + "': one of error (reject the thread), fallback (default: null or the field's fallback, reported)");
                }
                unknownIsError = on.equals("error");
                if (unknownIsError && spec.hasKey("else")) {
                    throw spec.get("onUnknown").error("onUnknown: error never applies beside 'else', which maps every unlisted value");
                }
            }
        }
        return new Field(source, name, reader, required, unknownIsError);
    }

    String name() {
        return name;
    }

    boolean required() {
        return required;
    }

    /**
     * The value (a time keeps its instant), or null with an issue in {@code report}; a
     * {@link MappingException} when this field is strict about what went wrong.
     */
    Object read(JsonNode record, JsonNode parent, ReportBuilder report) {
        Object v;
        try {
            v = reader.read(record, parent);
        } catch (MappingException e) {
            if (required) {
                throw e;
            }
            report.add(name, MappingReport.Kind.UNREADABLE, e instanceof UnreadableValue u ? u.raw() : null, e.problem());
            return null;
        }
        if (v instanceof UnknownValue u) {
            Object value = u.fromElse() ? u.fallback() : UNKNOWN_FALLBACK.get(name);
            if (unknownIsError || (required && value == null)) {
                throw new MappingException(source, name, u.problem());
            }
            report.add(name, MappingReport.Kind.UNKNOWN_VALUE, u.raw(), u.problem() + "; mapped to " + value);
            return value;
        }
        if (v == null) {
            if (required) {
                throw new MappingException(source, name, "required value is missing or empty");
            }
            if (missing != null) {
                report.add(name, MappingReport.Kind.MISSING, null, missing.isEmpty() ? null : missing);
            }
        }
        return v;
    }

    String text(JsonNode record, JsonNode parent, ReportBuilder report) {
        Object v = read(record, parent, report);
        return v == null ? null : v.toString();
    }
}
