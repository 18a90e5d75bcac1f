package dev.pmsconversations.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which tables of the state store move with an account ({@code store export} / {@code store import}) and why the others
 * stay. A carried table has an {@code account_id} column; its rows travel by column name, so a column added by a later
 * migration travels without a code change. A new table is carried once it is added to {@link #CARRIED}.
 */
public final class CarriedTables {
    /** In import order. */
    public static final List<String> CARRIED = List.of("sync_cursor", "refresh_token", "conversation_state");

    private static final String SCHEDULER_PREFIX = "qrtz_";
    private static final Map<String, String> LEFT = Map.ofEntries(
            Map.entry("delivery", "the sinks' queue: let the runtime drain it first; its DEAD rows, the sinks' dead letters, stay in "
                    + "the old store"),
            Map.entry("outbox", "sends through the API: wait until none is PENDING or SENDING"),
            Map.entry("webhook_event", "webhooks received but not yet processed: the account's polls find the same changes"),
            Map.entry("dead_letter", "inputs that could not be mapped: a record for diagnosis; a thread that still fails is flagged in "
                    + "its carried conversation_state and read again on the new store"),
            Map.entry("mapping_version", "which source files mapped the stored conversations: the new store records the running "
                    + "version at its first start"),
            Map.entry("request_permit", "requests granted in the PMSs' current rate-limit windows: PostgreSQL only, an hour at most"),
            Map.entry("flyway_schema_history", "the schema's history: the other store is migrated when it is opened"),
            Map.entry("pms_account", "accounts created at run time (API): `accounts export` / `accounts import` move them (their credentials "
                    + "stay encrypted: the new store's configuration needs the same key)"),
            Map.entry("pms_account_health", "each account's state and last polls: written again by its first poll on the new store"),
            Map.entry("pms_connect_session", "one-time connect links: made for the store they were made on"));

    private CarriedTables() {
    }

    /** Why {@code table} is not carried; empty for a carried table or one this version does not know. */
    public static Optional<String> whyLeft(String table) {
        String t = table.toLowerCase(Locale.ROOT);
        if (t.startsWith(SCHEDULER_PREFIX)) {
            return Optional.of("the poll scheduler's: rebuilt from the configuration at start");
        }
        return Optional.ofNullable(LEFT.get(t));
    }

    /** The tables of the store's current schema, lower-case, sorted. */
    public static List<String> tables(Connection c) throws SQLException {
        TreeSet<String> out = new TreeSet<>();
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                out.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(out);
    }
}
