package dev.pmsconversations.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A cursor into a {@link YamlDoc} with typed, validating accessors whose errors carry file, line and key. */
public final class YamlNode {
    private final YamlDoc doc;
    private final String pointer;
    private final JsonNode node;

    YamlNode(YamlDoc doc, String pointer, JsonNode node) {
        this.doc = doc;
        this.pointer = pointer;
        this.node = node;
    }

    public JsonNode json() {
        return node;
    }

    /** Dotted key path for messages, e.g. {@code api.list.path}. */
    public String key() {
        return pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.').replace("~1", "/").replace("~0", "~");
    }

    public YamlFileException error(String problem) {
        return place().error(problem);
    }

    /** File, line and key of this node, kept to report a problem found after loading. */
    public YamlPlace place() {
        return new YamlPlace(doc.file(), doc.line(pointer), key());
    }

    public boolean has(String name) {
        return node != null && node.isObject() && node.has(name) && !node.get(name).isNull();
    }

    /** The key is written, even if its value is null. */
    public boolean hasKey(String name) {
        return node != null && node.isObject() && node.has(name);
    }

    public YamlNode get(String name) {
        JsonNode child = node != null && node.isObject() ? node.get(name) : null;
        return new YamlNode(doc, pointer + "/" + name.replace("~", "~0").replace("/", "~1"), child);
    }

    public boolean isMissing() {
        return node == null || node.isNull();
    }

    public boolean isText() {
        return node != null && node.isValueNode() && !node.isNull();
    }

    public boolean isObject() {
        return node != null && node.isObject();
    }

    public boolean isArray() {
        return node != null && node.isArray();
    }

    public YamlNode object() {
        if (!isObject()) {
            throw error(isMissing() ? "is required (a mapping)" : "must be a mapping (key: value pairs)");
        }
        return this;
    }

    /** Fails on keys outside {@code allowed}, so a typo never silently disables a setting. */
    public YamlNode onlyKeys(Set<String> allowed) {
        List<YamlFileException> unknown = unknownKeys(allowed);
        if (!unknown.isEmpty()) {
            throw unknown.get(0);
        }
        return this;
    }

    /** Every key outside {@code allowed}, as errors in file order (for a loader that reports all problems at once). */
    public List<YamlFileException> unknownKeys(Set<String> allowed) {
        object();
        List<YamlFileException> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                out.add(get(k).error("unknown key; allowed here: " + String.join(", ", allowed.stream().sorted().toList())));
            }
        }
        return out;
    }

    public String text() {
        if (!isText()) {
            throw error(isMissing() ? "is required" : "must be a single value, not a list or mapping");
        }
        return node.asText();
    }

    public String text(String name) {
        return get(name).text();
    }

    public String text(String name, String fallback) {
        return has(name) ? get(name).text() : fallback;
    }

    public int integer(String name, int fallback) {
        if (!has(name)) {
            return fallback;
        }
        YamlNode child = get(name);
        try {
            return Integer.parseInt(child.text().trim());
        } catch (NumberFormatException e) {
            throw child.error("must be a whole number, got '" + child.text() + "'");
        }
    }

    public boolean bool(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        YamlNode child = get(name);
        String v = child.text().trim().toLowerCase();
        if (!v.equals("true") && !v.equals("false")) {
            throw child.error("must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    public List<YamlNode> items() {
        if (!isArray()) {
            throw error(isMissing() ? "is required (a list)" : "must be a list");
        }
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(new YamlNode(doc, pointer + "/" + i, node.get(i)));
        }
        return out;
    }

    /** Entries of a mapping, in file order. */
    public Map<String, YamlNode> entries() {
        object();
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            out.put(k, get(k));
        }
        return out;
    }

    /** A mapping of plain values, e.g. query parameters or an enum table. */
    public Map<String, String> stringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        entries().forEach((k, v) -> out.put(k, v.text()));
        return out;
    }

    /** A list of plain values, or one value treated as a list of one. */
    public List<String> textList() {
        if (isText()) {
            return List.of(text());
        }
        return items().stream().map(YamlNode::text).toList();
    }
}
