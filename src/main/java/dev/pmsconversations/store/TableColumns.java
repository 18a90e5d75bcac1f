package dev.pmsconversations.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The columns of one table as this store has them: lower-case name → JDBC type, in table order, and the identity
 * column (generated number), if any. Read from the database, so columns added by later migrations are included.
 */
record TableColumns(String table, Map<String, Integer> types, String identity) {

    static TableColumns of(Connection c, String table) throws SQLException {
        Map<String, Integer> types = new LinkedHashMap<>();
        String identity = null;
        try (PreparedStatement ps = c.prepareStatement("select * from " + table + " where 1 = 0"); ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String name = meta.getColumnLabel(i).toLowerCase(Locale.ROOT);
                types.put(name, meta.getColumnType(i));
                if (meta.isAutoIncrement(i)) {
                    identity = name;
                }
            }
        }
        return new TableColumns(table, types, identity);
    }
}
