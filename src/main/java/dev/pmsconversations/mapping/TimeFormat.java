package dev.pmsconversations.mapping;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * How a source writes a time: {@code iso} (ISO 8601 with offset or Z; without one, the zone applies),
 * {@code epoch-seconds}, {@code epoch-millis}, or a java.time pattern read in a zone.
 */
public final class TimeFormat {
    private static final DateTimeFormatter ISO_LENIENT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter();

    private final String spec;
    private final DateTimeFormatter pattern;

    private TimeFormat(String spec, DateTimeFormatter pattern) {
        this.spec = spec;
        this.pattern = pattern;
    }

    /** @throws IllegalArgumentException for an unknown pattern */
    public static TimeFormat of(String spec) {
        return switch (spec) {
            case "iso", "epoch-seconds", "epoch-millis" -> new TimeFormat(spec, null);
            default -> new TimeFormat(spec, DateTimeFormatter.ofPattern(spec));
        };
    }

    /** Parses a native value; {@code zone} applies when the value carries no offset. */
    public Instant parse(String value, ZoneId zone) {
        try {
            switch (spec) {
                case "epoch-seconds":
                    return Instant.ofEpochSecond(Long.parseLong(value.trim()));
                case "epoch-millis":
                    return Instant.ofEpochMilli(Long.parseLong(value.trim()));
                case "iso": {
                    TemporalAccessor t = ISO_LENIENT.parse(value.trim());
                    LocalDateTime local = LocalDateTime.from(t);
                    if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
                        return local.toInstant(ZoneOffset.ofTotalSeconds(t.get(ChronoField.OFFSET_SECONDS)));
                    }
                    return local.atZone(zone).toInstant();
                }
                default: {
                    TemporalAccessor t = pattern.parse(value.trim());
                    if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
                        return OffsetDateTime.from(t).toInstant();
                    }
                    return LocalDateTime.from(t).atZone(zone).toInstant();
                }
            }
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new IllegalArgumentException("'" + value + "' is not a time in format '" + spec + "'");
        }
    }

    /** The model's form: UTC with Z, keeping sub-second precision only where the source has it. */
    public static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    @Override
    public String toString() {
        return spec;
    }
}
