package dev.pmsconversations.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.mapping.TextBodies;
import dev.pmsconversations.mapping.TimeFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The few reads every hand-written mapper repeats: scalar text, first of two, times, bodies. */
final class Nodes {
    static final TimeFormat ISO = TimeFormat.of("iso");
    static final ZoneId UTC = ZoneOffset.UTC;

    private Nodes() {
    }

    /** A scalar as text (ids are numbers in some PMSs: 1406 -> "1406"); missing, null, objects and "" -> null. */
    static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode() || n.isContainerNode()) {
            return null;
        }
        String s = n.isFloatingPointNumber() && n.doubleValue() == Math.rint(n.doubleValue())
                ? Long.toString(n.longValue()) : n.asText();
        return s.isEmpty() ? null : s;
    }

    static String required(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }

    static String first(String a, String b) {
        return a != null ? a : b;
    }

    static Instant time(String value, TimeFormat format) {
        return value == null ? null : format.parse(value, UTC);
    }

    static String iso(Instant t) {
        return t == null ? null : TimeFormat.format(t);
    }

    static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /** Bodies: HTML to text, newlines normalised; an empty body is no body. */
    static String body(String value) {
        String s = value == null ? null : TextBodies.text(value);
        return s == null || s.isEmpty() ? null : s;
    }

    /** "car.JPG" -> "jpg"; no extension for "car", "car." or "a.b/car". */
    static String extension(String name) {
        int dot = name == null ? -1 : name.lastIndexOf('.');
        return dot < 0 || dot == name.length() - 1 || name.indexOf('/', dot) >= 0 ? null : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
