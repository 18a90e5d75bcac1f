package dev.pmsconversations.store;

import dev.pmsconversations.config.RuntimeConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Sync state on JDBC: H2 (embedded file, the single-node default) or PostgreSQL, same schema through
 * Flyway migrations. Writes are upserts keyed by account and conversation, so repeating one is harmless.
 */
public final class StateStore implements AutoCloseable {
    private static final String PG_UPSERT_CONVERSATION = "insert into conversation_state (account_id, conversation_id, source, marker, "
            + "content_hash, snapshot, reservation_id, property_id, last_activity_at, updated_at, failing) values (?,?,?,?,?,?,?,?,?,?,false) "
            + "on conflict (account_id, conversation_id) do update set source = excluded.source, marker = excluded.marker, "
            + "content_hash = excluded.content_hash, snapshot = excluded.snapshot, reservation_id = excluded.reservation_id, "
            + "property_id = excluded.property_id, last_activity_at = excluded.last_activity_at, updated_at = excluded.updated_at, "
            + "failing = false";
    private final HikariDataSource dataSource;
    /** The poll scheduler's own connections (clustered Quartz), opened on demand: see {@link #schedulerPool}. */
    private HikariDataSource schedulerPool;
    private final HikariConfig settings;
    private final boolean postgres;
    private final Jdbc jdbc;
    private final ReadFailures readFailures;

    public StateStore(RuntimeConfig.StoreConfig config) {
        this(config, 8);
    }

    /** {@code poolSize}: connections for the polls running at once plus the outbox, sinks, API and scheduler. */
    public StateStore(RuntimeConfig.StoreConfig config, int poolSize) {
        HikariConfig hc = new HikariConfig();
        String url = mixedMode(config.url());
        hc.setJdbcUrl(url);
        if (config.user() != null) {
            hc.setUsername(config.user());
        }
        if (config.password() != null) {
            hc.setPassword(config.password().reveal());
        }
        hc.setMaximumPoolSize(poolSize);
        hc.setPoolName("pms-state");
        this.postgres = config.url().startsWith("jdbc:postgresql:");
        this.dataSource = open(hc, config.url(), !url.equals(config.url()));
        this.settings = hc;
        this.jdbc = new Jdbc(dataSource, postgres);
        this.readFailures = new ReadFailures(jdbc);
        // PostgreSQL also holds the clustered poll scheduler's tables (Quartz's JDBC job store)
        Flyway.configure().dataSource(dataSource)
                .locations(postgres ? new String[] {"classpath:db/migration", "classpath:db/quartz"} : new String[] {"classpath:db/migration"})
                .placeholders(Map.of("textType", postgres ? "text" : "clob"))
                .load().migrate();
    }

    /**
     * The pool. H2's mixed mode announces the server under this host's name: where the name does not resolve (a
     * container's host name on the host network) the store is opened without it, and said so.
     */
    private static HikariDataSource open(HikariConfig hc, String configuredUrl, boolean mixed) {
        try {
            return new HikariDataSource(hc);
        } catch (RuntimeException e) {
            if (!mixed || !causedBy(e, java.net.UnknownHostException.class)) {
                throw e;
            }
            org.slf4j.LoggerFactory.getLogger(StateStore.class).warn("The H2 store is opened without AUTO_SERVER: this host's name does "
                    + "not resolve ({}). The CLI's resync, dlq and store commands then need this node stopped; set a resolvable host "
                    + "name, or use PostgreSQL", e.getMessage());
            hc.setJdbcUrl(configuredUrl);
            return new HikariDataSource(hc);
        }
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An H2 file store in H2's automatic mixed mode ({@code AUTO_SERVER=TRUE}): the first process opens the file itself,
     * any other (the CLI's resync, dlq, store commands while a node runs) reaches it through a server that process starts
     * on a local port. Without it the second process fails with "Database may be already in use".
     */
    static String mixedMode(String url) {
        boolean file = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:") && !url.startsWith("jdbc:h2:tcp:")
                && !url.startsWith("jdbc:h2:ssl:");
        return file && !url.toUpperCase(java.util.Locale.ROOT).contains("AUTO_SERVER=") ? url + ";AUTO_SERVER=TRUE" : url;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The sync side's dead letters: threads and pages that could not be read or mapped. */
    public ReadFailures readFailures() {
        return readFailures;
    }

    /** The version of each source file the stored conversations were mapped with. */
    public MappingVersions mappingVersions() {
        return new MappingVersions(jdbc);
    }

    /** Statement helper shared by the outbox and the webhook inbox (same pool, same dialect). */
    public Jdbc jdbc() {
        return jdbc;
    }

    public Optional<ConversationState> conversation(String accountId, String conversationId) {
        return jdbc.query("select marker, content_hash, snapshot, failing from conversation_state where account_id = ? and conversation_id = ?",
                rs -> rs.next() ? Optional.of(new ConversationState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)))
                        : Optional.empty(),
                accountId, conversationId);
    }

    /**
     * True when the account was removed at run time (its {@code pms_account} row is a tombstone): a node that has not
     * followed the removal yet must not store for it, as the node that did may have erased its rows already.
     */
    public boolean accountRemoved(String accountId) {
        return !jdbc.list("select 1 from pms_account where id = ? and removed = true", rs -> 1, accountId).isEmpty();
    }

    /**
     * As {@link #saveConversation}, only if the stored content hash is still {@code expectedHash} (null: none
     * stored yet); false when another node stored a change meanwhile. On PostgreSQL the check and the write are
     * one statement; H2 serves one node, whose per-conversation locks already keep writers apart.
     */
    public boolean saveConversationIfUnchanged(String expectedHash, String accountId, String source, String conversationId,
                                               String marker, String hash, String snapshot, String reservationId,
                                               String propertyId, Instant lastActivity) {
        if (!postgres) {
            saveConversation(accountId, source, conversationId, marker, hash, snapshot, reservationId, propertyId, lastActivity);
            return true;
        }
        return jdbc.update(PG_UPSERT_CONVERSATION + " where conversation_state.content_hash is not distinct from ?",
                accountId, conversationId, source, marker, hash, snapshot, reservationId, propertyId,
                lastActivity == null ? null : Timestamp.from(lastActivity), Timestamp.from(Instant.now()), expectedHash) == 1;
    }

    /** Records a delivered (or unchanged) conversation: its marker, content hash and unified snapshot. */
    public void saveConversation(String accountId, String source, String conversationId, String marker, String hash,
                                 String snapshot, String reservationId, String propertyId, Instant lastActivity) {
        String sql = postgres
                ? PG_UPSERT_CONVERSATION
                : "merge into conversation_state (account_id, conversation_id, source, marker, content_hash, snapshot, "
                  + "reservation_id, property_id, last_activity_at, updated_at, failing) key (account_id, conversation_id) "
                  + "values (?,?,?,?,?,?,?,?,?,?,false)";
        jdbc.update(sql, accountId, conversationId, source, marker, hash, snapshot, reservationId, propertyId,
                lastActivity == null ? null : Timestamp.from(lastActivity), Timestamp.from(Instant.now()));
    }

    /**
     * The thread's read or mapping failed: flag it (inserted without content when never delivered), keeping its marker
     * and delivered content as they were, so the next poll reads it again.
     */
    public void markFailing(String accountId, String source, String conversationId) {
        Timestamp now = Timestamp.from(Instant.now());
        if (postgres) {
            jdbc.update("insert into conversation_state (account_id, conversation_id, source, updated_at, failing) values (?,?,?,?,true) "
                    + "on conflict (account_id, conversation_id) do update set failing = true, updated_at = excluded.updated_at",
                    accountId, conversationId, source, now);
            return;
        }
        // (H2's merge would set the columns it is not given to null: update the row where there is one)
        if (jdbc.update("update conversation_state set failing = true, updated_at = ? where account_id = ? and conversation_id = ?",
                now, accountId, conversationId) == 0) {
            jdbc.update("insert into conversation_state (account_id, conversation_id, source, updated_at, failing) values (?,?,?,?,true)",
                    accountId, conversationId, source, now);
        }
    }

    /** A stored conversation as the API serves it. */
    public record StoredConversation(long seq, String accountId, String source, String conversationId, String snapshot) {
    }

    /** Filters of the API's list call; null means "any". */
    public record ConversationQuery(java.util.Collection<String> accountIds, String source, String reservationId,
                                    String propertyId, Instant updatedSince, String conversationId) {
    }

    /** Conversations after {@code afterSeq}, in first-seen order, at most {@code limit}. */
    public List<StoredConversation> conversations(ConversationQuery q, long afterSeq, int limit) {
        StringBuilder sql = new StringBuilder("select seq, account_id, source, conversation_id, snapshot from conversation_state "
                + "where snapshot is not null and seq > ?");
        List<Object> params = new ArrayList<>(List.of(afterSeq));
        if (q.accountIds() != null && q.accountIds().isEmpty()) {
            return List.of();
        }
        sql.append(Jdbc.andIn("account_id", q.accountIds(), params));
        filter(sql, params, "source", q.source());
        filter(sql, params, "reservation_id", q.reservationId());
        filter(sql, params, "property_id", q.propertyId());
        filter(sql, params, "conversation_id", q.conversationId());
        if (q.updatedSince() != null) {
            sql.append(" and last_activity_at >= ?");
            params.add(Timestamp.from(q.updatedSince()));
        }
        sql.append(" order by seq limit ?");
        params.add(limit);
        return jdbc.list(sql.toString(), rs -> new StoredConversation(rs.getLong(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5)), params.toArray());
    }

    private static void filter(StringBuilder sql, List<Object> params, String column, String value) {
        if (value != null) {
            sql.append(" and ").append(column).append(" = ?");
            params.add(value);
        }
    }

    public Optional<String> cursor(String accountId) {
        return jdbc.query("select cursor_value from sync_cursor where account_id = ?",
                rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.empty(), accountId);
    }

    public void saveCursor(String accountId, String cursor) {
        String sql = postgres
                ? "insert into sync_cursor (account_id, cursor_value, updated_at) values (?,?,?) on conflict (account_id) do update set cursor_value = excluded.cursor_value, updated_at = excluded.updated_at"
                : "merge into sync_cursor (account_id, cursor_value, updated_at) key (account_id) values (?,?,?)";
        jdbc.update(sql, accountId, cursor, Timestamp.from(Instant.now()));
    }

    /**
     * Resync: every conversation of the account is read again at its next poll (markers cleared; the content hashes
     * stay, so only what differs from what was delivered becomes an event), from {@code cursor} (null: from scratch).
     * Returns the number of conversations that will be read again.
     */
    public int resync(String accountId, String cursor) {
        int n = jdbc.update("update conversation_state set marker = null where account_id = ?", accountId);
        if (cursor == null) {
            jdbc.update("delete from sync_cursor where account_id = ?", accountId);
        } else {
            saveCursor(accountId, cursor);
        }
        return n;
    }

    /** The account's latest rotated refresh token, if it descends from the configured one ({@code credentialHash}). */
    public Optional<String> refreshToken(String accountId, String credentialHash) {
        return jdbc.query("select token from refresh_token where account_id = ? and credential_hash = ?",
                rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.empty(), accountId, credentialHash);
    }

    public void saveRefreshToken(String accountId, String credentialHash, String token) {
        String sql = postgres
                ? "insert into refresh_token (account_id, credential_hash, token, updated_at) values (?,?,?,?) on conflict (account_id) do update set credential_hash = excluded.credential_hash, token = excluded.token, updated_at = excluded.updated_at"
                : "merge into refresh_token (account_id, credential_hash, token, updated_at) key (account_id) values (?,?,?,?)";
        jdbc.update(sql, accountId, credentialHash, token, Timestamp.from(Instant.now()));
    }

    /** The accounts the store holds a cursor or a conversation of (one query, not one per account). */
    public java.util.Set<String> accountsWithState() {
        return new java.util.HashSet<>(jdbc.list("select account_id from sync_cursor union select distinct account_id from conversation_state",
                rs -> rs.getString(1)));
    }

    public int conversationCount(String accountId) {
        return jdbc.query("select count(*) from conversation_state where account_id = ?", rs -> {
            rs.next();
            return rs.getInt(1);
        }, accountId);
    }

    public void deadLetter(String source, String accountId, String kind, String reference, String reason, String payload) {
        jdbc.update("insert into dead_letter (source, account_id, kind, reference, reason, payload, created_at) values (?,?,?,?,?,?,?)",
                source, accountId, kind, Jdbc.truncate(reference, 512), Jdbc.truncate(reason, 4000), payload, Timestamp.from(Instant.now()));
    }

    public List<DeadLetter> deadLetters(String accountId) {
        return jdbc.list("select id, source, account_id, kind, reference, reason, payload, created_at from dead_letter"
                + (accountId == null ? "" : " where account_id = ?") + " order by id",
                rs -> new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant()),
                accountId == null ? new Object[0] : new Object[] {accountId});
    }

    @Override
    public synchronized void close() {
        if (schedulerPool != null) {
            schedulerPool.close();
        }
        dataSource.close();
    }

    /**
     * Connections of the same database for the clustered poll scheduler alone. On the store's pool, Quartz's check-in
     * could wait for a connection behind the polls' reads (up to Hikari's 30 s); a check-in more than 7.5 s late has the
     * other nodes take this one for failed, release its running polls' triggers and poll those accounts at once.
     */
    public synchronized DataSource schedulerPool(int size) {
        if (schedulerPool == null) {
            HikariConfig hc = new HikariConfig();
            settings.copyStateTo(hc);
            hc.setPoolName("pms-scheduler");
            hc.setMaximumPoolSize(size);
            hc.setMinimumIdle(Math.min(2, size)); // the rest opened only when polls end together
            schedulerPool = new HikariDataSource(hc);
        }
        return schedulerPool;
    }

    /** The store is unreachable or refused a statement. */
    public static final class StoreException extends RuntimeException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
