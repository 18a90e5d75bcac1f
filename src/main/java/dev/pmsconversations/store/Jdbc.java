package dev.pmsconversations.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Plain JDBC statements on the state store's pool. Every failure becomes a {@link StateStore.StoreException}
 * naming the statement's purpose, never the bound values (they may hold message bodies).
 */
public final class Jdbc {
    private final DataSource dataSource;
    private final boolean postgres;
    /** The connection of the transaction this thread is in, if any ({@link #transaction}). */
    private final ThreadLocal<Connection> current = new ThreadLocal<>();

    Jdbc(DataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
    }

    public boolean postgres() {
        return postgres;
    }

    @FunctionalInterface
    public interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    public <T> T query(String sql, Rows<T> rows, Object... params) {
        try (Lease c = lease(); PreparedStatement ps = c.connection.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                return rows.read(rs);
            }
        } catch (SQLException e) {
            throw new StateStore.StoreException("state store query failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in one transaction: every statement it makes on this thread commits together or
     * not at all.
     */
    public void transaction(Runnable work) {
        if (current.get() != null) {
            work.run(); // already inside one
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            current.set(c);
            try {
                work.run();
                c.commit();
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                current.remove();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StateStore.StoreException("state store transaction failed: " + e.getMessage(), e);
        }
    }

    /** The transaction's connection (left open), or a pooled one (closed after the statement). */
    private Lease lease() throws SQLException {
        Connection tx = current.get();
        return tx != null ? new Lease(tx, false) : new Lease(dataSource.getConnection(), true);
    }

    private record Lease(Connection connection, boolean pooled) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            if (pooled) {
                connection.close();
            }
        }
    }

    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Every row of a query, each read by {@code row}. */
    public <T> java.util.List<T> list(String sql, Row<T> row, Object... params) {
        return query(sql, rs -> {
            java.util.List<T> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(row.read(rs));
            }
            return out;
        }, params);
    }

    /** Runs an insert/update/delete; returns the number of rows it changed. */
    public int update(String sql, Object... params) {
        try (Lease c = lease(); PreparedStatement ps = c.connection.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StateStore.StoreException("state store update failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs an insert (inside the caller's transaction, if any); returns the generated {@code id} of the row it
     * added, or empty when it added none (an {@code insert … select … where not exists} that found the row).
     */
    public java.util.OptionalLong updateReturningId(String sql, Object... params) {
        try (Lease c = lease(); PreparedStatement ps = c.connection.prepareStatement(sql, new String[] {"id"})) {
            bind(ps, params);
            if (ps.executeUpdate() == 0) {
                return java.util.OptionalLong.empty();
            }
            return java.util.OptionalLong.of(generatedId(ps));
        } catch (SQLException e) {
            throw new StateStore.StoreException("state store insert failed: " + e.getMessage(), e);
        }
    }

    private static long generatedId(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("the insert returned no generated id");
            }
            return keys.getLong(1);
        }
    }

    /**
     * Inserts a row unless one with the same unique key exists. Returns false for a duplicate, so
     * concurrent callers with the same key agree on exactly one winner (the database decides).
     */
    public boolean insertIfAbsent(String sql, Object... params) {
        return insert(sql, false, params) != DUPLICATE;
    }

    /** As {@link #insertIfAbsent}, returning the new row's generated {@code id}: one statement, no read-back. */
    public java.util.OptionalLong insertIfAbsentReturningId(String sql, Object... params) {
        long id = insert(sql, true, params);
        return id == DUPLICATE ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(id);
    }

    private static final long DUPLICATE = Long.MIN_VALUE;

    private long insert(String sql, boolean returnId, Object... params) {
        if (current.get() != null) {
            throw new IllegalStateException("insertIfAbsent relies on a unique violation and cannot run inside a transaction");
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = returnId ? c.prepareStatement(sql, new String[] {"id"}) : c.prepareStatement(sql)) {
            bind(ps, params);
            ps.executeUpdate();
            return returnId ? generatedId(ps) : 0;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) { // unique violation, same code on H2 and PostgreSQL
                return DUPLICATE;
            }
            throw new StateStore.StoreException("state store insert failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    /** {@code ?,?,…} for an {@code in (…)} of {@code n} values (n >= 1). */
    public static String placeholders(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }

    /** {@code " and <column> in (?,…)"} with the values added to {@code params}; "" when {@code values} is null (any). */
    public static String andIn(String column, java.util.Collection<?> values, java.util.List<Object> params) {
        if (values == null) {
            return "";
        }
        params.addAll(values);
        return " and " + column + " in (" + placeholders(values.size()) + ")";
    }

    public static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
