package dev.pmsconversations.store;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes what accounts need to go on from another state store — the rows of {@link CarriedTables#CARRIED}, every
 * column — as one JSON document, read in one snapshot and streamed (a large store is not held in memory):
 * <pre>{"format": "pms-conversations-state", "version": 1, "exportedAt": …, "store": "h2", "accounts": [ids],
 *  "tables": {"sync_cursor": [{column: value, …}, …], …}}</pre>
 * The document holds rotated refresh tokens: the caller writes it where only its owner can read it.
 */
public final class StateExport {
    static final String FORMAT = "pms-conversations-state";
    static final int VERSION = 1;

    private final StateStore store;

    public StateExport(StateStore store) {
        this.store = store;
    }

    /** Work left in the store's queues for the exported accounts: none of it is carried. */
    public record InFlight(long undeliveredEvents, long deadDeliveries, long unsentMessages, long unprocessedWebhooks) {
        public boolean any() {
            return undeliveredEvents + deadDeliveries + unsentMessages + unprocessedWebhooks > 0;
        }
    }

    /**
     * Writes the rows of {@code onlyAccounts} (empty: every account with state) to {@code out}; returns the rows written
     * per account and table.
     */
    public Map<String, Map<String, Integer>> write(Collection<String> onlyAccounts, OutputStream out) throws IOException {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // one snapshot over every table
            try {
                Map<String, Map<String, Integer>> counts = write(c, List.copyOf(onlyAccounts), out);
                c.commit();
                return counts;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StateStore.StoreException("cannot read the state store: " + e.getMessage(), e);
        }
    }

    private Map<String, Map<String, Integer>> write(Connection c, List<String> only, OutputStream out) throws SQLException, IOException {
        Set<String> accounts = accounts(c, only);
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        accounts.forEach(a -> counts.put(a, new LinkedHashMap<>()));
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeStringField("exportedAt", Instant.now().toString());
            g.writeStringField("store", store.jdbc().postgres() ? "postgresql" : "h2");
            g.writeArrayFieldStart("accounts");
            for (String a : accounts) {
                g.writeString(a);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("tables");
            for (String table : CarriedTables.CARRIED) {
                g.writeArrayFieldStart(table);
                writeRows(c, TableColumns.of(c, table), only, g, counts);
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return counts;
    }

    private static void writeRows(Connection c, TableColumns columns, List<String> only, JsonGenerator g,
                                  Map<String, Map<String, Integer>> counts) throws SQLException, IOException {
        // by identity (e.g. conversation_state.seq, the API's paging order): an import that renumbers keeps the order
        String sql = "select * from " + columns.table() + where(only) + " order by "
                + (columns.identity() != null ? columns.identity() : "account_id");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(500); // PostgreSQL streams the rows instead of reading them all first
            for (int i = 0; i < only.size(); i++) {
                ps.setString(i + 1, only.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Integer> types = List.copyOf(columns.types().values());
                List<String> names = List.copyOf(columns.types().keySet());
                while (rs.next()) {
                    g.writeStartObject();
                    for (int i = 0; i < names.size(); i++) {
                        g.writeFieldName(names.get(i));
                        ColumnValues.write(g, rs, i + 1, types.get(i));
                    }
                    g.writeEndObject();
                    counts.get(rs.getString("account_id")).merge(columns.table(), 1, Integer::sum);
                }
            }
        }
    }

    private static String where(List<String> only) {
        return only.isEmpty() ? "" : " where account_id in (" + String.join(",", Collections.nCopies(only.size(), "?")) + ")";
    }

    /** The accounts with state (of {@code only}, if not empty), sorted. */
    private static Set<String> accounts(Connection c, List<String> only) throws SQLException {
        Set<String> out = new TreeSet<>();
        for (String table : CarriedTables.CARRIED) {
            try (PreparedStatement ps = c.prepareStatement("select distinct account_id from " + table + where(only))) {
                for (int i = 0; i < only.size(); i++) {
                    ps.setString(i + 1, only.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /** What the store still has to do for {@code accounts} (not carried: the caller warns before the move). */
    public InFlight inFlight(Set<String> accounts) {
        return new InFlight(
                count("select account_id, count(*) from delivery where status in ('PENDING', 'SENDING') group by account_id", accounts),
                count("select account_id, count(*) from delivery where status = 'DEAD' group by account_id", accounts),
                count("select account_id, count(*) from outbox where status in ('PENDING', 'SENDING') group by account_id", accounts),
                count("select account_id, count(*) from webhook_event where status in ('RECEIVED', 'PROCESSING') group by account_id",
                        accounts));
    }

    private long count(String sql, Set<String> accounts) {
        return store.jdbc().list(sql, rs -> accounts.contains(rs.getString(1)) ? rs.getLong(2) : 0L).stream()
                .mapToLong(Long::longValue).sum();
    }

    /** The store's tables that are not carried, with why (a table this version does not know is said so). */
    public Map<String, String> leftBehind() {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = store.dataSource().getConnection()) {
            for (String table : CarriedTables.tables(c)) {
                if (!CarriedTables.CARRIED.contains(table)) {
                    out.put(table, CarriedTables.whyLeft(table).orElse("a table this version does not know"));
                }
            }
        } catch (SQLException e) {
            throw new StateStore.StoreException("cannot list the state store's tables: " + e.getMessage(), e);
        }
        return out;
    }
}
