package dev.pmsconversations.components;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.yaml.YamlDoc;
import dev.pmsconversations.yaml.YamlFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Camel YAML route file read as data before Camel starts: every endpoint URI whose component is missing, every
 * expression in a language that is missing (each as {@code file:line: key: problem}), and the ids of its routes and
 * route templates (a user's route must not replace one of the runtime's).
 */
public final class RouteFileCheck {
    /** The YAML DSL keys whose text value is an endpoint URI. */
    private static final Set<String> ENDPOINT_KEYS = Set.of("uri", "to", "toD", "from", "wireTap", "enrich", "pollEnrich");

    private final YamlDoc doc;
    private final List<YamlFileException> problems = new ArrayList<>();
    private final Map<String, Integer> routeIds = new LinkedHashMap<>();

    private RouteFileCheck(YamlDoc doc) {
        this.doc = doc;
    }

    /** Reads one route file; a file that is not YAML throws {@link YamlFileException}. */
    public static RouteFileCheck of(Path file, CamelComponents components) {
        RouteFileCheck check = new RouteFileCheck(YamlDoc.load(file));
        check.walk(check.doc.root(), "", null, components);
        if (check.doc.root() != null && check.doc.root().isArray()) {
            for (int i = 0; i < check.doc.root().size(); i++) {
                JsonNode item = check.doc.root().get(i);
                for (String kind : new String[] {"route", "routeTemplate"}) {
                    String id = item.path(kind).path("id").asText(null);
                    if (id != null) {
                        check.routeIds.put(id, check.doc.line("/" + i + "/" + kind + "/id"));
                    }
                }
            }
        }
        return check;
    }

    public String file() {
        return doc.file();
    }

    public List<YamlFileException> problems() {
        return List.copyOf(problems);
    }

    /** Route and route template ids, each with its line. */
    public Map<String, Integer> routeIds() {
        return Map.copyOf(routeIds);
    }

    private void walk(JsonNode node, String pointer, String key, CamelComponents components) {
        if (node == null) {
            return;
        }
        if (key != null && node.isTextual()) {
            String problem = ENDPOINT_KEYS.contains(key) ? components.missingComponent(node.asText())
                    : components.missingLanguage(key);
            if (problem != null) {
                problems.add(new YamlFileException(doc.file(), doc.line(pointer), key, problem));
            }
            return;
        }
        if (key != null && node.isObject()) {
            String problem = components.missingLanguage(key);
            if (problem != null) {
                problems.add(new YamlFileException(doc.file(), doc.line(pointer), key, problem));
            }
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, null, components);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), e.getKey(), components);
            }
        }
    }
}
