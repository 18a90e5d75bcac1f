package dev.pmsconversations.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Loads a {@link StateExport} document into this store, in one transaction: all of it or nothing. An account that
 * already has state here is refused unless {@code replace} (its rows are then deleted first). Values are bound by the
 * target column's type, so an export of H2 loads into PostgreSQL and back. Identity values (conversation_state.seq, the
 * API's paging order) are kept when the table holds no other rows, and the identity then goes on after the highest;
 * otherwise this store numbers the rows anew, in their exported order.
 */
public final class StateImport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BATCH = 500;

    private final StateStore store;

    public StateImport(StateStore store) {
        this.store = store;
    }

    /** Rows imported per account and table; {@code replaced}: the accounts whose previous state was deleted first. */
    public record Result(Map<String, Map<String, Integer>> perAccount, Set<String> replaced) {
    }

    /** The file is not a state export this version can load; the message says why and never holds a value. */
    public static final class BadFile extends RuntimeException {
        BadFile(String message) {
            super(message);
        }
    }

    /** Accounts that already have state in this store (import without replace); nothing was written. */
    public static final class Refused extends RuntimeException {
        private final Set<String> accounts;

        Refused(Set<String> accounts) {
            super("the state store already holds state of " + accounts);
            this.accounts = accounts;
        }

        public Set<String> accounts() {
            return accounts;
        }
    }

    public Result load(InputStream in, boolean replace) throws IOException {
        try (JsonParser p = MAPPER.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadFile("not a JSON object");
            }
            String format = null;
            int version = -1;
            Set<String> accounts = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "format" -> format = p.getValueAsString();
                    case "version" -> version = p.getValueAsInt(-1);
                    case "accounts" -> accounts = accountIds(p.readValueAsTree());
                    case "tables" -> {
                        checkHeader(format, version, accounts);
                        return load(p, accounts, replace); // the writer puts "tables" last
                    }
                    default -> p.skipChildren();
                }
            }
            checkHeader(format, version, accounts);
            throw new BadFile("no \"tables\"");
        } catch (JsonProcessingException e) {
            // the location only: the parser's message may quote a piece of the file
            throw new BadFile("not valid JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
    }

    private static void checkHeader(String format, int version, Set<String> accounts) {
        if (!StateExport.FORMAT.equals(format)) {
            throw new BadFile("not a state export of pms-conversations (no \"format\": \"" + StateExport.FORMAT + "\" before \"tables\")");
        }
        if (version != StateExport.VERSION) {
            throw new BadFile("export version " + version + "; this version of pms-conversations reads version " + StateExport.VERSION);
        }
        if (accounts == null) {
            throw new BadFile("no \"accounts\" before \"tables\"");
        }
    }

    private static Set<String> accountIds(JsonNode list) {
        if (!list.isArray()) {
            throw new BadFile("\"accounts\" is not a list of account ids");
        }
        Set<String> out = new TreeSet<>();
        list.forEach(a -> out.add(a.asText()));
        return out;
    }

    private Result load(JsonParser p, Set<String> accounts, boolean replace) throws IOException {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            Map<String, String> keptIdentities = new LinkedHashMap<>();
            Set<String> existing;
            Map<String, Map<String, Integer>> counts;
            try {
                existing = withState(c, accounts);
                if (!existing.isEmpty() && !replace) {
                    throw new Refused(existing);
                }
                delete(c, existing);
                counts = insertTables(c, p, accounts, keptIdentities);
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            for (Map.Entry<String, String> kept : keptIdentities.entrySet()) {
                restartIdentity(c, kept.getKey(), kept.getValue()); // DDL: after the commit (H2 would commit it)
            }
            return new Result(counts, existing);
        } catch (SQLException e) {
            throw new StateStore.StoreException("cannot import into the state store: " + e.getMessage(), e);
        }
    }

    private static Set<String> withState(Connection c, Set<String> accounts) throws SQLException {
        Set<String> out = new TreeSet<>();
        for (String table : CarriedTables.CARRIED) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select distinct account_id from " + table)) {
                while (rs.next()) {
                    if (accounts.contains(rs.getString(1))) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    private static void delete(Connection c, Set<String> accounts) throws SQLException {
        for (String table : CarriedTables.CARRIED) {
            try (PreparedStatement ps = c.prepareStatement("delete from " + table + " where account_id = ?")) {
                for (String a : accounts) {
                    ps.setString(1, a);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    private Map<String, Map<String, Integer>> insertTables(Connection c, JsonParser p, Set<String> accounts,
                                                            Map<String, String> keptIdentities) throws SQLException, IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new BadFile("\"tables\" is not an object");
        }
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        accounts.forEach(a -> counts.put(a, new LinkedHashMap<>()));
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String table = p.currentName();
            if (!CarriedTables.CARRIED.contains(table)) {
                throw new BadFile("table '" + table + "' is not one this version carries (" + CarriedTables.CARRIED + ")");
            }
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new BadFile("table '" + table + "' is not a list of rows");
            }
            try (TableLoader loader = new TableLoader(c, TableColumns.of(c, table))) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    JsonNode row = p.readValueAsTree();
                    JsonNode account = row.get("account_id");
                    if (account == null || !accounts.contains(account.asText())) {
                        throw new BadFile("a row of table '" + table + "' belongs to no account of the file's \"accounts\"");
                    }
                    loader.add(row);
                    counts.get(account.asText()).merge(table, 1, Integer::sum);
                }
                loader.flush();
                if (loader.keepIdentity) {
                    keptIdentities.put(table, loader.columns.identity());
                }
            }
        }
        return counts;
    }

    private static void restartIdentity(Connection c, String table, String column) throws SQLException {
        long next;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select max(" + column + ") from " + table)) {
            rs.next();
            next = rs.getLong(1) + 1;
        }
        try (Statement st = c.createStatement()) {
            st.execute("alter table " + table + " alter column " + column + " restart with " + next);
        }
    }

    /** Inserts the rows of one table in batches; the statement follows the columns the rows name. */
    private static final class TableLoader implements AutoCloseable {
        private final Connection c;
        private final TableColumns columns;
        /** The table has no rows yet: the rows' identity values are kept (else the store numbers them). */
        private final boolean keepIdentity;
        private final List<JsonNode> pending = new ArrayList<>();
        private List<String> statementColumns = List.of();
        private PreparedStatement insert;

        TableLoader(Connection c, TableColumns columns) throws SQLException {
            this.c = c;
            this.columns = columns;
            this.keepIdentity = columns.identity() != null && empty(c, columns.table());
        }

        private static boolean empty(Connection c, String table) throws SQLException {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from " + table)) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        }

        void add(JsonNode row) throws SQLException {
            List<String> names = new ArrayList<>();
            for (java.util.Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!columns.types().containsKey(name)) {
                    throw new BadFile("table '" + columns.table() + "' has no column '" + name + "' in this store: the file "
                            + "comes from a newer version of pms-conversations; import it with that version");
                }
                if (keepIdentity || !name.equals(columns.identity())) {
                    names.add(name);
                }
            }
            if (!names.equals(statementColumns)) {
                flush();
                close();
                insert = c.prepareStatement("insert into " + columns.table() + " (" + String.join(", ", names) + ") values ("
                        + String.join(", ", Collections.nCopies(names.size(), "?")) + ")");
                statementColumns = names;
            }
            for (int i = 0; i < names.size(); i++) {
                try {
                    ColumnValues.bind(insert, i + 1, columns.types().get(names.get(i)), row.get(names.get(i)));
                } catch (IllegalArgumentException e) {
                    throw new BadFile("table '" + columns.table() + "', column '" + names.get(i) + "': " + e.getMessage());
                }
            }
            insert.addBatch();
            pending.add(row);
            if (pending.size() >= BATCH) {
                flush();
            }
        }

        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            try {
                insert.executeBatch();
            } catch (SQLException e) {
                // no cause attached: the driver's message may quote the rows (refresh tokens, message bodies)
                throw new StateStore.StoreException("the state store refused a row of " + columns.table() + ": "
                        + redacted(e, pending), null);
            }
            pending.clear();
        }

        @Override
        public void close() throws SQLException {
            if (insert != null) {
                insert.close();
            }
        }
    }

    /** The driver's reason, with every text value of the rows it may quote replaced by ****. */
    static String redacted(SQLException e, List<JsonNode> rows) {
        SQLException reason = e;
        while (reason.getNextException() != null) {
            reason = reason.getNextException();
        }
        String message = String.valueOf(reason.getMessage());
        for (JsonNode row : rows) {
            for (JsonNode value : row) {
                String v = value.asText();
                if (value.isTextual() && v.length() >= 4) {
                    message = message.replace(v, "****");
                    if (v.length() > 12) {
                        message = message.replace(v.substring(0, 12), "****"); // a driver may quote the start only
                    }
                }
            }
        }
        return "SQLState " + reason.getSQLState() + ", " + Jdbc.truncate(message, 400);
    }
}
