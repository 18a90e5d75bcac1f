package dev.pmsconversations.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML document as a Jackson tree that remembers the line of every node, so that a validation error
 * can name file, line and key. Scalars stay strings unless YAML tags them as int/float/bool/null.
 */
public final class YamlDoc {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Values of one file once aliases are expanded: far above any real file, far below what hangs the loader. */
    static final int MAX_VALUES = 100_000;

    private final String file;
    private final JsonNode root;
    private final Map<String, Integer> lines;

    private YamlDoc(String file, JsonNode root, Map<String, Integer> lines) {
        this.file = file;
        this.root = root;
        this.lines = lines;
    }

    public static YamlDoc load(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new YamlFileException(path.toString(), 0, null, "cannot read file: " + e.getMessage());
        }
        return parse(path.toString(), text);
    }

    public static YamlDoc parse(String file, String text) {
        Map<String, Integer> lines = new HashMap<>();
        try {
            Node node = new Compose(LoadSettings.builder().setLabel(file).build()).composeString(text).orElse(null);
            if (node == null) {
                throw new YamlFileException(file, 1, null, "file is empty");
            }
            return new YamlDoc(file, convert(file, node, "", lines, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()),
                    new int[1]), lines);
        } catch (StackOverflowError e) { // SnakeYAML composes recursively: thousands of [ or { deep
            throw new YamlFileException(file, 0, null, "not valid YAML: nested too deeply");
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw new YamlFileException(file, line, null, "not valid YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            if (e instanceof YamlFileException) {
                throw e;
            }
            throw new YamlFileException(file, 0, null, "not valid YAML: " + e.getMessage());
        }
    }

    /**
     * {@code open}: the collections being converted (an alias to one of them is a cycle); {@code count}: values so far
     * (a few aliases of aliases expand exponentially).
     */
    private static JsonNode convert(String file, Node node, String pointer, Map<String, Integer> lines, java.util.Set<Node> open,
                                    int[] count) {
        int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        lines.put(pointer, line);
        String key = pointer.isEmpty() ? null : pointer.substring(1).replace('/', '.').replace("~1", "/").replace("~0", "~");
        if (++count[0] > MAX_VALUES) {
            throw new YamlFileException(file, line, key, "more than " + MAX_VALUES + " values once aliases are expanded");
        }
        if ((node instanceof MappingNode || node instanceof SequenceNode) && !open.add(node)) {
            throw new YamlFileException(file, line, key, "recursive alias: anchor '"
                    + node.getAnchor().map(Object::toString).orElse("?") + "' is used inside itself");
        }
        try {
            return convertChildren(file, node, pointer, lines, open, count);
        } finally {
            open.remove(node);
        }
    }

    private static JsonNode convertChildren(String file, Node node, String pointer, Map<String, Integer> lines, java.util.Set<Node> open,
                                            int[] count) {
        if (node instanceof MappingNode map) {
            ObjectNode obj = NODES.objectNode();
            for (NodeTuple tuple : map.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(tuple.getKeyNode());
                String childPointer = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
                lines.put(childPointer, tuple.getKeyNode().getStartMark().map(m -> m.getLine() + 1).orElse(0));
                JsonNode value = convert(file, tuple.getValueNode(), childPointer, lines, open, count);
                lines.put(childPointer, tuple.getKeyNode().getStartMark().map(m -> m.getLine() + 1).orElse(0));
                obj.set(key, value);
            }
            return obj;
        }
        if (node instanceof SequenceNode seq) {
            ArrayNode arr = NODES.arrayNode();
            int i = 0;
            for (Node item : seq.getValue()) {
                arr.add(convert(file, item, pointer + "/" + i++, lines, open, count));
            }
            return arr;
        }
        ScalarNode scalar = (ScalarNode) node;
        String v = scalar.getValue();
        Tag tag = scalar.getTag();
        if (scalar.isPlain()) {
            if (Tag.NULL.equals(tag) || v.equals("~") || v.equals("Null") || v.equals("NULL")) { // YAML 1.2 core nulls
                return NODES.nullNode();
            }
            if (Tag.BOOL.equals(tag)) {
                return NODES.booleanNode(Boolean.parseBoolean(v.toLowerCase()));
            }
            if (Tag.INT.equals(tag)) {
                try {
                    return NODES.numberNode(Long.parseLong(v));
                } catch (NumberFormatException e) {
                    return NODES.textNode(v);
                }
            }
        }
        return NODES.textNode(v);
    }

    public String file() {
        return file;
    }

    public JsonNode root() {
        return root;
    }

    /** Line of the node at a JSON pointer, or of its nearest ancestor. */
    public int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            int cut = p.lastIndexOf('/');
            if (cut < 0) {
                return 0;
            }
            p = p.substring(0, cut);
        }
    }

    public YamlNode node() {
        return new YamlNode(this, "", root);
    }
}
