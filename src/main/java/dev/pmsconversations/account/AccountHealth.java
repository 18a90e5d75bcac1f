package dev.pmsconversations.account;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.model.AccountEvent;
import dev.pmsconversations.store.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each account's health as the cluster sees it ({@code pms_account_health}) and the lifecycle events that follow it:
 * {@code account.connected}, {@code account.auth_failed} (once per transition, with the PMS's reason),
 * {@code account.recovered} and {@code account.removed}. A transition is a compare-and-set on the account's row, in the
 * same transaction that queues its event, so one change makes one event whichever node saw it, and none is lost between
 * "changed" and "queued". The last polls are written there too: every node answers /v2/accounts with the same status.
 */
public final class AccountHealth {
    public static final String ACTIVE = "ACTIVE";
    public static final String AUTH_FAILED = "AUTH_FAILED";
    public static final String REMOVED = "REMOVED";
    /** Failed polls in a row after which an account's status is ERROR (as sync.AccountStatus#FAILURES_DOWN). */
    public static final int FAILURES_ERROR = 3;
    private static final Logger LOG = LoggerFactory.getLogger(AccountHealth.class);
    private static final String COLUMNS = "account_id, source, state, reason, changed_at, last_poll_at, last_good_poll_at, last_error, "
            + "consecutive_failures";

    /** An account's row; {@link #status} is what the API shows. */
    public record Health(String accountId, String source, String state, String reason, Instant changedAt, Instant lastPollAt,
                         Instant lastGoodPollAt, String lastError, int consecutiveFailures) {
        public String status(boolean paused) {
            if (paused) {
                return "PAUSED";
            }
            if (AUTH_FAILED.equals(state)) {
                return AUTH_FAILED;
            }
            return consecutiveFailures >= FAILURES_ERROR ? "ERROR" : ACTIVE;
        }
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final AccountClients clients;
    private final AccountStore stored;
    private final BiConsumer<AccountEvent, List<String>> events;
    /** Accounts whose row this node knows exists (created once, then only updated). */
    private final Set<String> rows = ConcurrentHashMap.newKeySet();

    /** @param events queues an event for the account's sinks in the caller's transaction (delivery.DeliveryService#queue) */
    public AccountHealth(Jdbc jdbc, Clock clock, AccountClients clients, AccountStore stored, BiConsumer<AccountEvent, List<String>> events) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.clients = clients;
        this.stored = stored;
        this.events = events;
    }

    /**
     * A finished poll of an account this node follows. Refused credentials move ACTIVE to AUTH_FAILED, a good poll moves it
     * back; each move queues one event. Never throws: a poll's outcome is not undone by its record (the next poll retries).
     */
    public void polled(String accountId, boolean failed, boolean authRefused, String error) {
        AccountConfig a = clients.account(accountId);
        if (a == null) {
            return; // removed meanwhile: nothing more is recorded or said for it
        }
        try {
            Timestamp now = Timestamp.from(clock.instant());
            ensureRow(a.id(), a.source(), now);
            jdbc.transaction(() -> {
                if (failed) {
                    jdbc.update("update pms_account_health set last_poll_at = ?, last_error = ?, consecutive_failures = consecutive_failures + 1 "
                            + "where account_id = ?", now, Jdbc.truncate(error, 1000), a.id());
                } else {
                    jdbc.update("update pms_account_health set last_poll_at = ?, last_good_poll_at = ?, consecutive_failures = 0 "
                            + "where account_id = ?", now, now, a.id());
                }
                if (failed && authRefused) {
                    transition(a, ACTIVE, AUTH_FAILED, error, now);
                } else if (!failed) {
                    transition(a, AUTH_FAILED, ACTIVE, null, now);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Account '{}': its health could not be recorded (the next poll records it): {}", accountId, e.getMessage());
        }
    }

    /** An account created through the API or the CLI (its credentials were checked): {@code account.connected}. */
    public void connected(StoredAccount a) {
        Timestamp now = Timestamp.from(clock.instant());
        rows.remove(a.id()); // a purge on some node may have deleted it
        ensureRow(a.id(), a.source(), now);
        jdbc.transaction(() -> {
            // an id used before (removed without purge) starts again
            jdbc.update("update pms_account_health set source = ?, state = 'ACTIVE', reason = null, transitions = transitions + 1, "
                    + "changed_at = ?, consecutive_failures = 0, last_error = null where account_id = ?", a.source(), now, a.id());
            events.accept(event(a.id(), a.source(), AccountEvent.CONNECTED, a.createdAt().toString(), ACTIVE, null, a), a.sinks());
        });
    }

    /** New credentials were checked against the PMS (a rotation): an AUTH_FAILED account is recovered at once. */
    public void credentialsAccepted(StoredAccount a) {
        Timestamp now = Timestamp.from(clock.instant());
        ensureRow(a.id(), a.source(), now);
        jdbc.transaction(() -> transition(a.config(), AUTH_FAILED, ACTIVE, null, now));
    }

    /** An account removed through the API or the CLI: {@code account.removed} to the sinks it had. */
    public void removed(StoredAccount a) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.transaction(() -> {
            jdbc.update("update pms_account_health set state = 'REMOVED', transitions = transitions + 1, changed_at = ? where account_id = ?",
                    now, a.id());
            events.accept(event(a.id(), a.source(), AccountEvent.REMOVED, a.updatedAt() + "/" + a.version(), REMOVED, null, a), a.sinks());
        });
    }

    public Optional<Health> of(String accountId) {
        return jdbc.list("select " + COLUMNS + " from pms_account_health where account_id = ?", AccountHealth::read, accountId).stream().findFirst();
    }

    /** Every account's row (the list of accounts answers from one read). */
    public Map<String, Health> all() {
        Map<String, Health> out = new HashMap<>();
        jdbc.list("select " + COLUMNS + " from pms_account_health", AccountHealth::read).forEach(h -> out.put(h.accountId(), h));
        return out;
    }

    /** Moves the row from {@code from} to {@code to} unless another node did; the one that moved it queues the event. */
    private void transition(AccountConfig a, String from, String to, String reason, Timestamp now) {
        // recovered: the failures in a row were the refusals (a good poll or a checked rotation ends them)
        if (jdbc.update("update pms_account_health set state = ?, reason = ?, transitions = transitions + 1, changed_at = ?"
                + (ACTIVE.equals(to) ? ", consecutive_failures = 0" : "") + " where account_id = ? and state = ?", to,
                Jdbc.truncate(reason, 1000), now, a.id(), from) == 0) {
            return;
        }
        int n = jdbc.query("select transitions from pms_account_health where account_id = ?", rs -> rs.next() ? rs.getInt(1) : 0, a.id());
        String type = AUTH_FAILED.equals(to) ? AccountEvent.AUTH_FAILED : AccountEvent.RECOVERED;
        StoredAccount described = stored.find(a.id()).orElse(null);
        events.accept(event(a.id(), a.source(), type, n + "@" + now.toInstant(), to, reason, described), a.sinks());
        LOG.info("Account '{}' ({}): {}{}", a.id(), a.source(), type, reason == null ? "" : " (" + reason + ")");
    }

    private void ensureRow(String accountId, String source, Timestamp now) {
        if (rows.contains(accountId)) {
            return;
        }
        jdbc.insertIfAbsent("insert into pms_account_health (account_id, source, state, transitions, changed_at, consecutive_failures) "
                + "values (?, ?, 'ACTIVE', 0, ?, 0)", accountId, source, now);
        rows.add(accountId);
    }

    private AccountEvent event(String accountId, String source, String type, String nonce, String status, String reason, StoredAccount a) {
        AccountEvent.Data data = new AccountEvent.Data(status, reason, a == null ? null : a.name(), a == null ? null : a.externalRef(),
                a == null ? List.of() : a.tags());
        return new AccountEvent(AccountEvent.id(accountId, type, nonce), type, source, accountId, clock.instant().toString(), data);
    }

    private static Health read(ResultSet rs) throws SQLException {
        return new Health(rs.getString("account_id"), rs.getString("source"), rs.getString("state"), rs.getString("reason"),
                instant(rs, "changed_at"), instant(rs, "last_poll_at"), instant(rs, "last_good_poll_at"), rs.getString("last_error"),
                rs.getInt("consecutive_failures"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
