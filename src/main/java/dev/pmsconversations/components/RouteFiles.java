package dev.pmsconversations.components;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The route files Camel loads: the runtime's own ({@code routes/*.camel.yaml}), then the user's ({@code
 * runtime.extraRoutes}, globs such as {@code custom/*.camel.yaml} or {@code custom/**.camel.yaml}, relative to the
 * working directory like {@code routes}). The globs are resolved here, once, into the files Camel is given: what
 * {@code validate} checks is exactly what {@code run} loads.
 */
public final class RouteFiles {
    private RouteFiles() {
    }

    /** The runtime's route files, sorted. */
    public static List<Path> runtime(Path routesDir) {
        return matching(routesDir.toString().replace('\\', '/') + "/*.camel.yaml");
    }

    /** The files one glob matches, sorted (none when its directory does not exist). */
    public static List<Path> matching(String glob) {
        String normal = glob.replace('\\', '/');
        if (firstWildcard(normal) < 0) {
            Path single = Path.of(normal);
            return Files.isRegularFile(single) ? List.of(single) : List.of();
        }
        Path base = directory(normal);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        boolean relative = base.toString().equals(".");
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + normal);
        List<Path> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base)) {
            walk.filter(Files::isRegularFile).map(p -> relative ? base.relativize(p) : p).filter(matcher::matches).forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    /** The directory a glob's files are in (its part before the first wildcard): what dev mode watches. */
    public static Path directory(String glob) {
        String normal = glob.replace('\\', '/');
        int wild = firstWildcard(normal);
        int slash = normal.lastIndexOf('/', wild < 0 ? normal.length() - 1 : wild);
        return Path.of(slash < 0 ? "." : normal.substring(0, Math.max(slash, 1)));
    }

    private static int firstWildcard(String glob) {
        for (int i = 0; i < glob.length(); i++) {
            if ("*?[{".indexOf(glob.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
