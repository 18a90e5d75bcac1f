package dev.pmsconversations.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Size-based rotation of the file sink's NDJSON event logs: before a line is appended, a log that reached the
 * limit is renamed to {@code <name>.<UTC time>.ndjson} and the line starts a new file. Camel's file component
 * appends but has no size rotation. A writer that opened the log just before the rename still writes into the
 * renamed file, so no line is lost or written twice; a log may end a few lines over the limit.
 */
public final class EventLogRotation {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);
    private final Clock clock;

    public EventLogRotation(Clock clock) {
        this.clock = clock;
    }

    /** Renames {@code directory/fileName} aside when it holds {@code maxBytes} or more (0: never). */
    public synchronized void rotate(String directory, String fileName, long maxBytes) {
        if (maxBytes <= 0) {
            return;
        }
        Path log = Path.of(directory).resolve(fileName);
        try {
            if (!Files.exists(log) || Files.size(log) < maxBytes) {
                return;
            }
            String base = fileName.endsWith(".ndjson") ? fileName.substring(0, fileName.length() - ".ndjson".length()) : fileName;
            String stamp = STAMP.format(clock.instant());
            Path target = log.resolveSibling(base + "." + stamp + ".ndjson");
            for (int n = 1; Files.exists(target); n++) {
                target = log.resolveSibling(base + "." + stamp + "-" + n + ".ndjson");
            }
            Files.move(log, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate the event log " + log + ": " + e.getMessage(), e);
        }
    }
}
