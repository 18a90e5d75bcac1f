package dev.pmsconversations.mapping;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * A JSON pointer, optionally with one filter that picks an element of an array by a value it holds:
 * {@code /@participants/participants[/links/member/type=Client]/links/member/id} (the Client participant's member id),
 * or {@code ...[/id={/links/sender}]/links/member/type}, where {@code {pointer}} is read from the record being mapped
 * (a message's sender participant). JSON:API-style PMSs link records by id; this joins them without Java.
 */
public record Selector(JsonPointer head, JsonPointer key, String literal, JsonPointer contextValue, JsonPointer tail) {

    /** @throws IllegalArgumentException when the expression is neither a pointer nor {@code pointer[pointer=value]pointer} */
    public static Selector parse(String expression) {
        int open = expression.indexOf('[');
        if (open < 0) {
            return new Selector(JsonPointer.compile(expression), null, null, null, null);
        }
        int close = expression.indexOf(']', open);
        int eq = expression.indexOf('=', open);
        if (close < 0 || eq < 0 || eq > close || expression.indexOf('[', close) >= 0) {
            throw new IllegalArgumentException("a filter is written [/key=value] or [/key={/pointer}], once per path");
        }
        String value = expression.substring(eq + 1, close);
        boolean fromContext = value.startsWith("{") && value.endsWith("}");
        return new Selector(JsonPointer.compile(expression.substring(0, open)), JsonPointer.compile(expression.substring(open + 1, eq)),
                fromContext ? null : value, fromContext ? JsonPointer.compile(value.substring(1, value.length() - 1)) : null,
                JsonPointer.compile(expression.substring(close + 1)));
    }

    /** The node at this path in {@code base}; a filter's {@code {pointer}} value is read from {@code context}. */
    public JsonNode select(JsonNode base, JsonNode context) {
        if (key == null) {
            return base.at(head);
        }
        String wanted = literal;
        if (contextValue != null) {
            JsonNode v = context == null ? MissingNode.getInstance() : context.at(contextValue);
            if (!v.isValueNode() || v.isNull()) {
                return MissingNode.getInstance();
            }
            wanted = v.asText();
        }
        for (JsonNode element : base.at(head)) {
            if (matches(element.at(key), wanted)) {
                return element.at(tail);
            }
        }
        return MissingNode.getInstance();
    }

    /** Every matching element's node (a path without a filter: the node itself, in an array unless it is one). */
    public JsonNode selectAll(JsonNode base, JsonNode context) {
        if (key == null) {
            return base.at(head);
        }
        com.fasterxml.jackson.databind.node.ArrayNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        String wanted = literal;
        if (contextValue != null) {
            JsonNode v = context == null ? MissingNode.getInstance() : context.at(contextValue);
            if (!v.isValueNode() || v.isNull()) {
                return out;
            }
            wanted = v.asText();
        }
        for (JsonNode element : base.at(head)) {
            if (matches(element.at(key), wanted) && !element.at(tail).isMissingNode()) {
                out.add(element.at(tail));
            }
        }
        return out;
    }

    /** A value equal to {@code wanted}, or an array of ids holding it (JSON:API links such as {@code links.messages: [5]}). */
    private static boolean matches(JsonNode k, String wanted) {
        if (k.isArray()) {
            for (JsonNode e : k) {
                if (equalsText(e, wanted)) {
                    return true;
                }
            }
            return false;
        }
        return equalsText(k, wanted);
    }

    /** {@code node.asText().equals(wanted)} for a value, without writing a number out as text (ids are mostly numbers). */
    private static boolean equalsText(JsonNode node, String wanted) {
        if (node.isTextual()) {
            return node.textValue().equals(wanted);
        }
        if ((node.isInt() || node.isLong()) && isShortLong(wanted)) {
            return node.longValue() == Long.parseLong(wanted);
        }
        return node.isValueNode() && !node.isNull() && node.asText().equals(wanted);
    }

    /** Up to 18 digits, written as Long.toString writes them (so "05" does not equal 5, as with text). */
    private static boolean isShortLong(String s) {
        int n = s.length();
        int start = n > 0 && s.charAt(0) == '-' ? 1 : 0;
        if (n == start || n - start > 18 || (s.charAt(start) == '0' && n - start > 1)) {
            return false;
        }
        for (int i = start; i < n; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return !(start == 1 && n == 2 && s.charAt(1) == '0'); // "-0" is not how 0 is written
    }
}
