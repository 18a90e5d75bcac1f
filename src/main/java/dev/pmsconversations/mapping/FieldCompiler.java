package dev.pmsconversations.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.yaml.YamlNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one field rule of a mapping file into a {@link FieldReader}. A rule is either a path
 * ({@code /a/b} on the record, {@code ^/a/b} on the parent conversation record) or a mapping:
 *
 * <pre>
 * path | paths (first non-empty) | join (+ separator) | latest (times: the newest) | const | hook
 * equal: [a, b]  ("true" when both are present and equal, else "false"; e.g. a message's guest id vs the thread's)
 * as: string | id | time | text | html | bool | present | extension (of a file name: "car.JPG" -> "jpg")
 * format, zone, zonePath   (for time)
 * values, else             (enum table: native value -> unified value; unmatched -> else, or null, reported)
 * </pre>
 * A reader gives an {@link UnknownValue} for a value its table does not list and throws {@link UnreadableValue}
 * for a value it cannot read; {@link Field} decides whether that is tolerated (reported) or an error.
 */
final class FieldCompiler {
    static final Set<String> KEYS = Set.of("path", "paths", "join", "separator", "latest", "const", "hook", "as",
            "format", "zone", "zonePath", "values", "else", "assumed", "note", "firstOf", "equal", "required", "onUnknown");
    /** Keys about the whole field ({@link Field}): beside {@code firstOf}, not in its items. */
    static final Set<String> FIELD_KEYS = Set.of("required", "onUnknown", "assumed", "note");
    /** A {@code values} entry mapped to null ("recognised, but nothing to say in the model"). */
    private static final String NULL_VALUE = "\u0000null";
    /** Inside {@code firstOf}: a value listed as null ends the search with null (the next items are not asked). */
    private static final Object LISTED_AS_NULL = new Object();
    /** The model's value for "a value we do not recognise" (spec): an {@code else} to it is reported like no {@code else}. */
    private static final String UNRECOGNISED = "UNKNOWN";
    private static final Set<String> TYPES = Set.of("string", "id", "time", "text", "html", "bool", "present", "extension");

    private final String source;
    private final ZoneId defaultZone;

    FieldCompiler(String source, ZoneId defaultZone) {
        this.source = source;
        this.defaultZone = defaultZone;
    }

    /** Compiles {@code spec}; {@code field} names the unified field in errors, {@code defaultAs} its natural type. */
    FieldReader compile(YamlNode spec, String field, String defaultAs) {
        return compile(spec, field, defaultAs, false);
    }

    /** {@code lenient}: inside {@code firstOf}, a value missing from the table means "try the next rule". */
    private FieldReader compile(YamlNode spec, String field, String defaultAs, boolean lenient) {
        if (spec.isMissing()) {
            return FieldReader.NULL;
        }
        if (spec.isText()) {
            String as = defaultAs;
            return typed(field, spec, as, List.of(path(spec, spec.text())), null, null, lenient);
        }
        spec.onlyKeys(KEYS);
        if (spec.has("firstOf")) {
            List<YamlNode> rules = spec.get("firstOf").items();
            List<FieldReader> readers = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++) {
                for (String key : List.of("required", "onUnknown")) {
                    if (rules.get(i).isObject() && rules.get(i).hasKey(key)) {
                        throw rules.get(i).get(key).error("'" + key + "' is about the whole field: put it beside firstOf");
                    }
                }
                readers.add(compile(rules.get(i), field, defaultAs, i < rules.size() - 1));
            }
            return (r, p) -> {
                Object unknown = null; // an unlisted value without fallback: no value, but reported if nothing follows
                for (FieldReader reader : readers) {
                    Object v = reader.read(r, p);
                    if (v == LISTED_AS_NULL) {
                        return null;
                    } else if (v instanceof UnknownValue u && u.fallback() == null) {
                        unknown = v;
                    } else if (v != null) {
                        return v;
                    }
                }
                return unknown;
            };
        }
        String as = spec.text("as", spec.has("values") ? "string" : defaultAs);
        if (!TYPES.contains(as)) {
            throw spec.get("as").error("unknown type '" + as + "'; one of " + TYPES);
        }
        if (spec.has("hook")) {
            FieldReader hook = FieldHooks.find(spec.text("hook"));
            if (hook == null) {
                throw spec.get("hook").error("no Java hook registered under the name '" + spec.text("hook") + "'");
            }
            return hook;
        }
        if (spec.has("const")) {
            String constant = spec.text("const");
            return (r, p) -> constant;
        }
        Map<String, String> values = spec.has("values") ? valueTable(spec.get("values")) : null;
        // `else: null` maps unlisted values to null (still reported): for assumed, unverified tables
        String otherwise = spec.has("else") ? spec.text("else") : spec.hasKey("else") ? NULL_VALUE : null;
        if (spec.has("latest")) {
            if (!as.equals("time")) {
                throw spec.get("latest").error("'latest' picks the newest of several times: use it with as: time");
            }
            List<RawPath> paths = spec.get("latest").textList().stream().map(p -> path(spec.get("latest"), p)).toList();
            TimeReader time = timeReader(spec, field);
            return (r, p) -> {
                Instant newest = null;
                for (RawPath path : paths) {
                    String v = path.text(r, p);
                    if (v != null) {
                        Instant t = time.parse(v, r, p);
                        newest = newest == null || t.isAfter(newest) ? t : newest;
                    }
                }
                return newest == null ? null : MappedTime.of(newest);
            };
        }
        if (spec.has("join")) {
            List<RawPath> parts = spec.get("join").textList().stream().map(p -> path(spec.get("join"), p)).toList();
            String sep = spec.text("separator", " ");
            return (r, p) -> {
                List<String> found = new ArrayList<>();
                for (RawPath part : parts) {
                    String v = part.text(r, p);
                    if (v != null) {
                        found.add(v);
                    }
                }
                return found.isEmpty() ? null : String.join(sep, found);
            };
        }
        if (spec.has("equal")) {
            List<RawPath> two = spec.get("equal").textList().stream().map(p -> path(spec.get("equal"), p)).toList();
            if (two.size() != 2) {
                throw spec.get("equal").error("'equal' compares exactly two paths, e.g. [/guest_id, ^/guest_id]");
            }
            FieldReader same = (r, p) -> {
                String a = two.get(0).text(r, p);
                return Boolean.toString(a != null && a.equals(two.get(1).text(r, p)));
            };
            return typed(field, spec, as, same, two.toString(), values, otherwise, lenient);
        }
        List<RawPath> paths;
        if (spec.has("paths")) {
            paths = spec.get("paths").textList().stream().map(p -> path(spec.get("paths"), p)).toList();
        } else if (spec.has("path")) {
            paths = List.of(path(spec.get("path"), spec.text("path")));
        } else {
            throw spec.error("needs one of path, paths, join, latest, equal, const or hook");
        }
        return typed(field, spec, as, paths, values, otherwise, lenient);
    }

    static Map<String, String> valueTable(YamlNode table) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        table.entries().forEach((k, v) -> out.put(k, v.isMissing() ? NULL_VALUE : v.text()));
        return out;
    }

    private FieldReader typed(String field, YamlNode spec, String as, List<RawPath> paths,
                              Map<String, String> values, String otherwise, boolean lenient) {
        FieldReader raw = paths.size() == 1 ? paths.get(0)::text : (r, p) -> {
            for (RawPath path : paths) {
                String v = path.text(r, p);
                if (v != null) {
                    return v;
                }
            }
            return null;
        };
        return typed(field, spec, as, raw, paths.stream().map(RawPath::toString).toList().toString(), values, otherwise, lenient);
    }

    /** {@code raw} reads the native text; {@code nativePaths} names where, in errors. */
    private FieldReader typed(String field, YamlNode spec, String as, FieldReader raw, String nativePaths,
                              Map<String, String> values, String otherwise, boolean lenient) {
        if (as.equals("present")) {
            return (r, p) -> raw.read(r, p) != null;
        }
        if (values != null) {
            boolean bool = as.equals("bool");
            return (r, p) -> {
                String v = (String) raw.read(r, p);
                if (v == null) {
                    return null;
                }
                String mapped = values.get(v);
                if (NULL_VALUE.equals(mapped)) {
                    return lenient ? LISTED_AS_NULL : null;
                }
                if (mapped != null) {
                    return bool ? Boolean.valueOf(mapped) : mapped;
                }
                if (lenient && otherwise == null) {
                    return null; // firstOf: the next item may know it
                }
                if (otherwise != null && !NULL_VALUE.equals(otherwise) && !otherwise.equals(UNRECOGNISED)) {
                    return bool ? Boolean.valueOf(otherwise) : otherwise; // the file's own catch-all (else: Owner)
                }
                Object fallback = otherwise == null || NULL_VALUE.equals(otherwise) ? null
                        : bool ? Boolean.valueOf(otherwise) : otherwise;
                return new UnknownValue(fallback, otherwise != null, v, "unknown value '" + abbreviate(v) + "' at native " + nativePaths
                        + "; known: " + values.keySet());
            };
        }
        return switch (as) {
            case "time" -> {
                TimeReader time = timeReader(spec, field);
                yield (r, p) -> {
                    String v = (String) raw.read(r, p);
                    return v == null ? null : MappedTime.of(time.parse(v, r, p));
                };
            }
            case "text" -> (r, p) -> {
                String v = (String) raw.read(r, p);
                return v == null ? null : emptyToNull(TextBodies.text(v));
            };
            case "extension" -> (r, p) -> {
                String v = (String) raw.read(r, p);
                int dot = v == null ? -1 : v.lastIndexOf('.');
                return dot < 0 || dot == v.length() - 1 || v.indexOf('/', dot) >= 0 ? null : v.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
            };
            case "html" -> (r, p) -> {
                String v = (String) raw.read(r, p);
                return v == null ? null : emptyToNull(TextBodies.htmlToText(v));
            };
            case "bool" -> (r, p) -> {
                String v = (String) raw.read(r, p);
                if (v == null) {
                    return null;
                }
                return switch (v.toLowerCase()) {
                    case "true", "1", "yes" -> Boolean.TRUE;
                    case "false", "0", "no" -> Boolean.FALSE;
                    default -> throw new UnreadableValue(source, field, v, "'" + abbreviate(v) + "' is not a boolean");
                };
            };
            default -> raw;
        };
    }

    private interface TimeReader {
        Instant parse(String value, JsonNode record, JsonNode parent);
    }

    private TimeReader timeReader(YamlNode spec, String field) {
        TimeFormat format;
        try {
            format = TimeFormat.of(spec.isObject() ? spec.text("format", "iso") : "iso");
        } catch (IllegalArgumentException e) {
            throw spec.get("format").error("not a time format: " + e.getMessage());
        }
        ZoneId zone = defaultZone;
        if (spec.isObject() && spec.has("zone")) {
            try {
                zone = ZoneId.of(spec.text("zone"));
            } catch (RuntimeException e) {
                throw spec.get("zone").error("unknown time zone '" + spec.text("zone") + "'");
            }
        }
        RawPath zonePath = spec.isObject() && spec.has("zonePath") ? path(spec.get("zonePath"), spec.text("zonePath")) : null;
        ZoneId fixed = zone;
        return (value, r, p) -> {
            ZoneId z = fixed;
            if (zonePath != null) {
                String name = zonePath.text(r, p);
                if (name != null) {
                    try {
                        z = ZoneId.of(name);
                    } catch (RuntimeException e) {
                        throw new UnreadableValue(source, field, value, "unknown time zone '" + abbreviate(name) + "' at native " + zonePath);
                    }
                }
            }
            try {
                return format.parse(value, z);
            } catch (IllegalArgumentException e) {
                throw new UnreadableValue(source, field, value, abbreviate(e.getMessage()));
            }
        };
    }

    static RawPath path(YamlNode at, String expression) {
        boolean parent = expression.startsWith("^");
        String pointer = parent ? expression.substring(1) : expression;
        if (pointer.isEmpty()) {
            return new RawPath(Selector.parse(""), parent, expression); // the record itself (e.g. flat attachment fields)
        }
        if (!pointer.startsWith("/")) {
            throw at.error("'" + expression + "' is not a path: write a JSON pointer such as /guest/name (or ^/name for the conversation record)");
        }
        try {
            return new RawPath(Selector.parse(pointer), parent, expression);
        } catch (IllegalArgumentException e) {
            throw at.error("'" + expression + "' is not a valid JSON pointer" + (pointer.contains("[") ? " (" + e.getMessage() + ")" : ""));
        }
    }

    /** A compiled JSON pointer; reads a scalar as text, empty strings as null. */
    record RawPath(Selector pointer, boolean onParent, String expression) {
        String text(JsonNode record, JsonNode parent) {
            JsonNode base = onParent ? parent : record;
            if (base == null) {
                return null;
            }
            JsonNode n = pointer.select(base, record);
            if (n.isMissingNode() || n.isNull() || n.isContainerNode()) {
                return null;
            }
            String s = n.isFloatingPointNumber() && n.doubleValue() == Math.rint(n.doubleValue())
                    ? Long.toString(n.longValue()) : n.asText();
            return s.isEmpty() ? null : s;
        }

        JsonNode node(JsonNode record, JsonNode parent) {
            JsonNode base = onParent ? parent : record;
            return base == null ? null : pointer.selectAll(base, record); // a list path: a filter keeps every match
        }

        @Override
        public String toString() {
            return expression;
        }
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
