package dev.pmsconversations.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A copy of {@code mappings/} for runtimes started by a test, with one source's published rate limit replaced. */
public final class TestMappings {
    private TestMappings() {
    }

    /** Copies {@code mappings/} into {@code dir}; {@code source}'s file gets {@code rateLimit: {requests, perSeconds}}. */
    public static Path withRateLimit(Path dir, String source, int requests, int perSeconds) throws IOException {
        return withRateLimitLine(dir, source, "{ requests: " + requests + ", perSeconds: " + perSeconds + " }");
    }

    /** Copies {@code mappings/} into {@code dir}; {@code source}'s file gets {@code rateLimit: <limits>} (YAML, one line). */
    public static Path withRateLimitLine(Path dir, String source, String limits) throws IOException {
        Files.createDirectories(dir);
        try (var files = Files.list(Path.of("mappings"))) {
            for (Path f : files.toList()) {
                String text = Files.readString(f);
                if (f.getFileName().toString().equals(source + ".yaml")) {
                    // the whole line: one limit ({...}) or several ([{...}, ...]), scope as published
                    text = text.replaceFirst("(?m)^  rateLimit: .*$", java.util.regex.Matcher.quoteReplacement("  rateLimit: " + limits));
                }
                Files.writeString(dir.resolve(f.getFileName()), text);
            }
        }
        return dir;
    }
}
