package dev.pmsconversations.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * A column's value as the state file holds it, and back, chosen by the column's JDBC type on each side: H2 and PostgreSQL
 * name their types differently (clob / text, timestamp with time zone), so the file holds neutral values — timestamps as
 * ISO-8601 instants, numbers and booleans as JSON ones, binary as Base64, everything else as text.
 */
final class ColumnValues {
    private ColumnValues() {
    }

    /** Writes column {@code i} of the current row. */
    static void write(JsonGenerator g, ResultSet rs, int i, int type) throws SQLException, IOException {
        switch (type) {
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                Timestamp t = rs.getTimestamp(i);
                text(g, t == null ? null : t.toInstant().toString());
            }
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
                long n = rs.getLong(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeNumber(n);
                }
            }
            case Types.DECIMAL, Types.NUMERIC -> {
                java.math.BigDecimal n = rs.getBigDecimal(i);
                if (n == null) {
                    g.writeNull();
                } else {
                    g.writeNumber(n);
                }
            }
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                double n = rs.getDouble(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeNumber(n);
                }
            }
            case Types.BOOLEAN, Types.BIT -> {
                boolean b = rs.getBoolean(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeBoolean(b);
                }
            }
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
                byte[] bytes = rs.getBytes(i);
                text(g, bytes == null ? null : Base64.getEncoder().encodeToString(bytes));
            }
            default -> text(g, rs.getString(i)); // varchar, text, clob, date, time, json, uuid
        }
    }

    private static void text(JsonGenerator g, String s) throws IOException {
        if (s == null) {
            g.writeNull();
        } else {
            g.writeString(s);
        }
    }

    /**
     * Binds {@code value} to parameter {@code i}, converted for the target column's {@code type}.
     *
     * @throws IllegalArgumentException the value does not fit the type (the message never holds the value)
     */
    static void bind(PreparedStatement ps, int i, int type, JsonNode value) throws SQLException {
        if (value == null || value.isNull()) {
            ps.setNull(i, type);
            return;
        }
        try {
            switch (type) {
                case Types.TIMESTAMP -> ps.setTimestamp(i, Timestamp.from(Instant.parse(value.asText())));
                case Types.TIMESTAMP_WITH_TIMEZONE -> ps.setObject(i, OffsetDateTime.ofInstant(Instant.parse(value.asText()), ZoneOffset.UTC));
                case Types.DATE -> ps.setObject(i, LocalDate.parse(value.asText()));
                case Types.TIME -> ps.setObject(i, LocalTime.parse(value.asText()));
                case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> ps.setLong(i, value.isNumber() ? value.longValue()
                        : Long.parseLong(value.asText()));
                case Types.DECIMAL, Types.NUMERIC -> ps.setBigDecimal(i, value.isNumber() ? value.decimalValue()
                        : new java.math.BigDecimal(value.asText()));
                case Types.REAL, Types.FLOAT, Types.DOUBLE -> ps.setDouble(i, value.isNumber() ? value.doubleValue()
                        : Double.parseDouble(value.asText()));
                case Types.BOOLEAN, Types.BIT -> ps.setBoolean(i, value.isBoolean() ? value.booleanValue()
                        : Boolean.parseBoolean(value.asText()));
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> ps.setBytes(i, Base64.getDecoder().decode(value.asText()));
                case Types.OTHER -> ps.setObject(i, value.isTextual() ? value.asText() : value.toString(), Types.OTHER);
                default -> ps.setString(i, value.isTextual() ? value.asText() : value.toString());
            }
        } catch (java.time.DateTimeException | IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException("not a value of type " + typeName(type));
        }
    }

    private static String typeName(int type) {
        try {
            return java.sql.JDBCType.valueOf(type).getName();
        } catch (IllegalArgumentException vendorType) {
            return Integer.toString(type);
        }
    }
}
