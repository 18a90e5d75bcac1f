package dev.pmsconversations.config;

import dev.pmsconversations.yaml.YamlFileException;
import dev.pmsconversations.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The problems found while loading one configuration file. Each independent part (a section, a sink, an account, a
 * credential) is read in {@link #attempt}: its first problem is recorded and loading goes on with the next part.
 */
final class LoadProblems {
    private final List<YamlFileException> found = new ArrayList<>();

    void add(YamlFileException problem) {
        found.add(problem);
    }

    void attempt(Runnable part) {
        try {
            part.run();
        } catch (YamlFileException e) {
            found.add(e);
        }
    }

    /** The part's value, or {@code fallback} when it has a problem (recorded). */
    <T> T attempt(Supplier<T> part, T fallback) {
        try {
            return part.get();
        } catch (YamlFileException e) {
            found.add(e);
            return fallback;
        }
    }

    /** Records every unknown key of a mapping (not only the first); throws when {@code node} is not a mapping. */
    YamlNode onlyKeys(YamlNode node, Set<String> allowed) {
        found.addAll(node.unknownKeys(allowed));
        return node;
    }

    List<YamlFileException> all() {
        return List.copyOf(found);
    }
}
