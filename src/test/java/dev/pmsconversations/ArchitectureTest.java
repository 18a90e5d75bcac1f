package dev.pmsconversations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house as docs/architecture.md draws it, read from the code itself: the packages of src/main depend on each other
 * one way (no import circle, fully qualified references included), and no class is over 450 lines apart from the PMS
 * simulators and those docs/architecture.md names with the reason.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/pmsconversations");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.pmsconversations\\.([a-z]+)\\.[A-Z]");
    static final int MAX_LINES = 450;

    /** Package → the packages it uses, each with one class that shows it (for the message). */
    static Map<String, Map<String, String>> packageDependencies() {
        Map<String, Map<String, String>> deps = new TreeMap<>();
        for (Path file : javaFiles()) {
            String pkg = MAIN.relativize(file).getName(0).toString();
            Matcher m = REFERENCE.matcher(read(file));
            while (m.find()) {
                if (!m.group(1).equals(pkg)) {
                    deps.computeIfAbsent(pkg, k -> new TreeMap<>()).putIfAbsent(m.group(1), file.getFileName().toString());
                }
            }
        }
        return deps;
    }

    /** A cycle through {@code start}, as a path start → … → start, or null. */
    static List<String> cycleThrough(String start, Map<String, Map<String, String>> deps) {
        Deque<List<String>> paths = new ArrayDeque<>();
        paths.add(List.of(start));
        Set<String> seen = new TreeSet<>();
        while (!paths.isEmpty()) {
            List<String> path = paths.poll();
            for (String next : deps.getOrDefault(path.get(path.size() - 1), Map.of()).keySet()) {
                List<String> longer = new ArrayList<>(path);
                longer.add(next);
                if (next.equals(start)) {
                    return longer;
                }
                if (seen.add(next)) {
                    paths.add(longer);
                }
            }
        }
        return null;
    }

    @Test
    void packagesDependOnEachOtherOneWay() {
        Map<String, Map<String, String>> deps = packageDependencies();
        assertThat(deps).as("the reader found the packages").containsKeys("sync", "delivery", "source", "api");
        Map<String, String> cycles = new TreeMap<>();
        for (String pkg : deps.keySet()) {
            List<String> cycle = cycleThrough(pkg, deps);
            if (cycle != null) {
                StringBuilder why = new StringBuilder(String.join(" -> ", cycle)).append(" (");
                for (int i = 0; i + 1 < cycle.size(); i++) {
                    why.append(i == 0 ? "" : ", ").append(deps.get(cycle.get(i)).get(cycle.get(i + 1)));
                }
                cycles.put(pkg, why.append(")").toString());
            }
        }
        assertThat(cycles).as("import circles among src/main packages").isEmpty();
    }

    @Test
    void theCycleReaderFindsACycle() {
        // the check itself can fail: a made-up graph with a circle
        Map<String, Map<String, String>> deps = new HashMap<>();
        deps.put("a", Map.of("b", "A.java"));
        deps.put("b", Map.of("c", "B.java"));
        deps.put("c", Map.of("a", "C.java"));
        assertThat(cycleThrough("a", deps)).containsExactly("a", "b", "c", "a");
        assertThat(cycleThrough("a", Map.of("a", Map.of("b", "A.java")))).isNull();
    }

    @Test
    void noClassIsOverTheLimitWithoutAReason() throws IOException {
        String architecture = Files.readString(Path.of("docs/architecture.md"));
        Map<String, Integer> over = new TreeMap<>();
        for (Path file : javaFiles()) {
            if (MAIN.relativize(file).getName(0).toString().equals("simulator")) {
                continue; // one simulated PMS per class: as long as the PMS's API is wide
            }
            String name = file.getFileName().toString().replace(".java", "");
            int lines = read(file).split("\n", -1).length - 1;
            if (lines > MAX_LINES && !architecture.contains("`" + name + "` is over " + MAX_LINES + " lines")) {
                over.put(name, lines);
            }
        }
        assertThat(over).as("classes over " + MAX_LINES + " lines (or say why in docs/architecture.md)").isEmpty();
    }

    private static List<Path> javaFiles() {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
