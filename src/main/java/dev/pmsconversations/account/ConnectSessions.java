package dev.pmsconversations.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Hashes;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.store.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Connect sessions ({@code pms_connect_session}): a one-time link for a host to connect their PMS account. The link's
 * token and the OAuth state are random (256 bits) and kept only as SHA-256 hashes, so a copy of the store opens no
 * session. A session is completed once: {@link #claim} moves it from OPEN to BUSY (one caller wins), {@link #done} to
 * DONE with the account made, {@link #release} back to OPEN when the credentials were refused. Every node serves them.
 */
public final class ConnectSessions {
    private static final String COLUMNS = "id, source, external_ref, redirect_url, account, state, account_id, expires_at";

    /** @param account the account to create (name, tags, schedule, sinks, baseUrl, timeZone), credentials left out */
    public record Session(String id, String source, String externalRef, String redirectUrl, ObjectNode account, String state,
                          String accountId, Instant expiresAt) {
        public boolean open(Instant now) {
            return "OPEN".equals(state) && now.isBefore(expiresAt);
        }
    }

    /** A new session and its token (shown once: the link). */
    public record Opened(Session session, String token) {
    }

    private final Jdbc jdbc;
    private final Clock clock;

    public ConnectSessions(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Opened open(String source, String externalRef, String redirectUrl, ObjectNode account, Duration ttl) {
        String token = random();
        String id = "cs_" + Hashes.sha256(random()).substring(0, 24);
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        jdbc.update("insert into pms_connect_session (id, token_hash, source, external_ref, redirect_url, account, state, expires_at, created_at) "
                + "values (?, ?, ?, ?, ?, ?, 'OPEN', ?, ?)", id, Hashes.sha256(token), source, externalRef, redirectUrl, account.toString(),
                Timestamp.from(expires), Timestamp.from(now));
        return new Opened(new Session(id, source, externalRef, redirectUrl, account, "OPEN", null, expires), token);
    }

    public Optional<Session> byToken(String token) {
        return one("token_hash", token);
    }

    /** The session whose host is at the PMS with {@code state} (from {@link #startOAuth}). */
    public Optional<Session> byOAuthState(String state) {
        return one("oauth_state", state);
    }

    /** A new OAuth state for the session (a page opened twice: the last one counts). */
    public String startOAuth(Session s) {
        String state = random();
        jdbc.update("update pms_connect_session set oauth_state = ? where id = ?", Hashes.sha256(state), s.id());
        return state;
    }

    /** True for the one caller that may complete the session now (it is open and not expired). */
    public boolean claim(Session s) {
        return jdbc.update("update pms_connect_session set state = 'BUSY' where id = ? and state = 'OPEN' and expires_at > ?", s.id(),
                Timestamp.from(clock.instant())) == 1;
    }

    public void release(Session s) {
        jdbc.update("update pms_connect_session set state = 'OPEN' where id = ? and state = 'BUSY'", s.id());
    }

    public void done(Session s, String accountId) {
        jdbc.update("update pms_connect_session set state = 'DONE', account_id = ?, oauth_state = null where id = ?", accountId, s.id());
    }

    private Optional<Session> one(String column, String secret) {
        if (secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        return jdbc.list("select " + COLUMNS + " from pms_connect_session where " + column + " = ?", ConnectSessions::read,
                Hashes.sha256(secret)).stream().findFirst();
    }

    private static Session read(ResultSet rs) throws SQLException {
        JsonNode account;
        try {
            account = Json.MAPPER.readTree(rs.getString("account"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("connect session " + rs.getString("id") + ": its account is not JSON", e);
        }
        return new Session(rs.getString("id"), rs.getString("source"), rs.getString("external_ref"), rs.getString("redirect_url"),
                (ObjectNode) account, rs.getString("state"), rs.getString("account_id"), rs.getTimestamp("expires_at").toInstant());
    }

    private static String random() {
        return RandomTokens.of(32);
    }
}
