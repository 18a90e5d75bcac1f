package dev.pmsconversations.components;

import dev.pmsconversations.yaml.YamlFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every route file Camel will load, checked before it starts: missing components and languages (the runtime's files
 * and the user's), and user route ids that would replace one of the runtime's routes or another user route.
 */
public final class RouteChecks {
    /** Routes the runtime builds in code, one per account or sink: their ids start with these. */
    private static final List<String> BUILT_IN_PREFIXES = List.of("poll-", "sink-", "drain-", "deliver-async-");

    private RouteChecks() {
    }

    /** The user's route files, in load order (each once), from {@code runtime.extraRoutes}. */
    public static List<Path> userFiles(List<String> globs) {
        Set<Path> files = new LinkedHashSet<>();
        globs.forEach(g -> files.addAll(RouteFiles.matching(g)));
        return List.copyOf(files);
    }

    public static List<YamlFileException> problems(Path routesDir, List<String> extraGlobs, CamelComponents components) {
        List<YamlFileException> problems = new ArrayList<>();
        Map<String, String> ids = new LinkedHashMap<>(); // id -> file:line of its route
        for (Path file : RouteFiles.runtime(routesDir)) {
            RouteFileCheck check = read(file, components, problems);
            if (check != null) {
                check.routeIds().forEach((id, line) -> ids.putIfAbsent(id, check.file() + ":" + line));
            }
        }
        for (Path file : userFiles(extraGlobs)) {
            RouteFileCheck check = read(file, components, problems);
            if (check == null) {
                continue;
            }
            check.routeIds().forEach((id, line) -> {
                String taken = ids.get(id);
                String builtIn = BUILT_IN_PREFIXES.stream().filter(id::startsWith).findFirst().orElse(null);
                if (taken != null) {
                    problems.add(new YamlFileException(check.file(), line, "id", "route id '" + id + "' is already used by "
                            + taken + "; give your route another id"));
                } else if (builtIn != null) {
                    problems.add(new YamlFileException(check.file(), line, "id", "route ids starting with '" + builtIn
                            + "' are the runtime's (one per account or sink); give your route another id"));
                } else {
                    ids.put(id, check.file() + ":" + line);
                }
            });
        }
        return problems;
    }

    private static RouteFileCheck read(Path file, CamelComponents components, List<YamlFileException> problems) {
        try {
            RouteFileCheck check = RouteFileCheck.of(file, components);
            problems.addAll(check.problems());
            return check;
        } catch (YamlFileException e) {
            problems.add(e);
            return null;
        }
    }
}
