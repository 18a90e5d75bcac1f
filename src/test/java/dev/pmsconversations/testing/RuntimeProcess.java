package dev.pmsconversations.testing;

import dev.pmsconversations.cli.PmsConversations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A runtime in its own JVM ({@code run -c <config>}), as ops start it on a node: killed with SIGKILL to play a
 * crashed machine, or stopped with SIGTERM. Its output goes to a log file next to the config.
 */
public final class RuntimeProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private RuntimeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static RuntimeProcess start(Path config, String name) {
        return start(config, name, "-Xmx256m");
    }

    /** {@code heap}: the JVM's heap option, e.g. {@code -Xmx64m}. */
    public static RuntimeProcess start(Path config, String name, String heap) {
        Path log = config.resolveSibling(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                PmsConversations.class.getName(), "run", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        try {
            return new RuntimeProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node id the runtime chose (no {@code runtime.cluster.nodeId} in the file): host name and pid. */
    public String nodeId() {
        try {
            return InetAddress.getLocalHost().getHostName() + "-" + process.pid();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Heap in use right after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}), in bytes. */
    public long heapUsedAfterGc() throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, Long.toString(process.pid()), "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        Process info = new ProcessBuilder(jcmd, Long.toString(process.pid()), "GC.heap_info").redirectErrorStream(true).start();
        String text = new String(info.getInputStream().readAllBytes());
        info.waitFor(30, TimeUnit.SECONDS);
        // e.g. " garbage-first heap   total 65536K, used 31744K [0x..." (G1) or "... used 31744K" (serial/parallel)
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no heap figure in jcmd's answer: " + text);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no last write, sockets cut. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public List<String> logLines() {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            return List.of("(log unreadable: " + e.getMessage() + ")");
        }
    }

    /** The last lines of the log, for an assertion's message. */
    public String logTail(int lines) {
        List<String> all = logLines();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
