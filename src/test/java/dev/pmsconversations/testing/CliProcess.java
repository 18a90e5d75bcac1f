package dev.pmsconversations.testing;

import dev.pmsconversations.cli.PmsConversations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command in its own JVM, as a user starts it, with stdout and stderr kept apart (in files next to each other) and
 * its exit code: for what a process prints and how it ends (ports, signals, the log format).
 */
public final class CliProcess implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private CliProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** {@code java … PmsConversations <args>}; {@code name} names the output files in {@code dir}. */
    public static CliProcess start(Path dir, String name, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), PmsConversations.class.getName()));
        command.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        try {
            return new CliProcess(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> stdout() {
        return lines(out);
    }

    public List<String> stderr() {
        return lines(err);
    }

    /** Everything it printed, both streams, for an assertion's message or a search. */
    public String output() {
        return String.join("\n", stdout()) + "\n--- stderr ---\n" + String.join("\n", stderr());
    }

    /** SIGTERM, as systemd, docker and kill send it. */
    public void sigterm() {
        process.destroy();
    }

    /** Waits for the exit; null when it has not ended within {@code limit}. */
    public Integer exitCode(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1)).stream()
                    .filter(l -> !l.isEmpty()).toList() : List.of();
        } catch (IOException e) {
            return List.of("(unreadable: " + e.getMessage() + ")");
        }
    }
}
