package dev.pmsconversations.account;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.store.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The accounts created at run time ({@code pms_account}): every write moves the row's version, which is how the other
 * nodes notice it ({@link #versions}). Credentials go through {@link CredentialCipher}; no credential value is ever in a
 * column in the clear, an exception message or a log line.
 */
public final class AccountStore {
    /** Tables whose rows belong to one account ({@code account_id}): what a purge erases. */
    private static final List<String> ACCOUNT_TABLES = List.of("delivery", "outbox", "webhook_event", "dead_letter", "conversation_state",
            "sync_cursor", "refresh_token");
    private static final String COLUMNS = "id, source, name, external_ref, base_url, time_zone, credentials, key_id, every_value, cron, sinks, "
            + "tags, paused, removed, version, created_at, updated_at, webhook_id";
    private final Jdbc jdbc;
    private final CredentialCipher cipher;

    /** {@code cipher} null: no key configured; the accounts can be listed (not their credentials) and none written. */
    public AccountStore(Jdbc jdbc, CredentialCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    public boolean canWrite() {
        return cipher != null;
    }

    /** Id to version of every row, removed ones included (negative version): what a follower compares with its own. */
    public Map<String, Long> versions() {
        Map<String, Long> out = new LinkedHashMap<>();
        jdbc.list("select id, version, removed from pms_account order by id", rs -> {
            out.put(rs.getString(1), rs.getBoolean(3) ? -rs.getLong(2) : rs.getLong(2));
            return null;
        });
        return out;
    }

    /** The ids of the live (not removed, paused or not) accounts. */
    public java.util.Set<String> liveIds() {
        return new java.util.HashSet<>(jdbc.list("select id from pms_account where removed = false", rs -> rs.getString(1)));
    }

    /** The row, removed or not. */
    public Optional<StoredAccount> load(String id) {
        List<StoredAccount> found = jdbc.list("select " + COLUMNS + " from pms_account where id = ?", this::read, id);
        return found.stream().findFirst();
    }

    /** A live (not removed) account. */
    public Optional<StoredAccount> find(String id) {
        return load(id).filter(a -> !a.removed());
    }

    /** Live accounts, by id, after {@code afterId} (exclusive, null: from the start), at most {@code limit}. */
    public List<StoredAccount> list(String afterId, int limit) {
        return list(afterId, limit, true);
    }

    /** As {@link #list(String, int)}; without {@code decrypt} the credentials are left out (an empty map): a listing's filters need none. */
    public List<StoredAccount> list(String afterId, int limit, boolean decrypt) {
        return jdbc.list("select " + COLUMNS + " from pms_account where removed = false and id > ? order by id fetch first " + limit
                + " rows only", rs -> read(rs, decrypt), afterId == null ? "" : afterId);
    }

    /** Adds {@code a} (version 1, or after its tombstone's); false when a live account has that id. */
    public boolean create(StoredAccount a, Instant now) {
        requireKey();
        boolean[] created = {false};
        jdbc.transaction(() -> {
            Optional<StoredAccount> existing = load(a.id());
            if (existing.isPresent() && !existing.get().removed()) {
                return;
            }
            if (existing.isPresent()) {
                jdbc.update("delete from pms_account where id = ? and removed = true", a.id());
            }
            long version = existing.map(e -> e.version() + 1).orElse(1L);
            jdbc.update("insert into pms_account (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values(a, version, now, now));
            created[0] = true;
        });
        return created[0];
    }

    /** Writes {@code a} over the row of version {@code a.version()}; false when it changed meanwhile (another node's write). */
    public boolean update(StoredAccount a, Instant now) {
        requireKey();
        Object[] v = values(a, a.version() + 1, a.createdAt(), now); // in COLUMNS order: id first, created_at 16th
        return jdbc.update("update pms_account set source = ?, name = ?, external_ref = ?, base_url = ?, time_zone = ?, credentials = ?, "
                        + "key_id = ?, every_value = ?, cron = ?, sinks = ?, tags = ?, paused = ?, removed = ?, version = ?, updated_at = ? "
                        + "where id = ? and version = ?",
                v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[16], a.id(), a.version()) == 1;
    }

    /**
     * Marks the account of version {@code a.version()} removed (its credentials dropped); {@code purge}: every node erases
     * its rows once it has stopped working on it. False when it changed meanwhile.
     */
    public boolean markRemoved(StoredAccount a, boolean purge, Instant now) {
        return jdbc.update("update pms_account set removed = true, purge = ?, credentials = '', version = version + 1, updated_at = ? "
                + "where id = ? and version = ? and removed = false", purge, Timestamp.from(now), a.id(), a.version()) == 1;
    }

    /** True when the account was removed with its data to be erased. */
    public boolean purgeRequested(String id) {
        return jdbc.list("select purge from pms_account where id = ? and removed = true", rs -> rs.getBoolean(1), id).stream()
                .anyMatch(Boolean::booleanValue);
    }

    /**
     * Re-encrypts under the current key every live account whose credentials a previous key encrypted ({@code accounts
     * rekey}); the rows' versions move, so the nodes take them again. Returns how many.
     */
    public int rekey(Instant now) {
        requireKey();
        int n = 0;
        for (String id : jdbc.list("select id from pms_account where removed = false and key_id <> ?", rs -> rs.getString(1), cipher.keyId())) {
            Optional<StoredAccount> a = find(id);
            if (a.isPresent() && update(a.get(), now)) {
                n++;
            }
        }
        return n;
    }

    /** The key ids the live accounts' credentials are encrypted with, and how many each. */
    public Map<String, Integer> keyIds() {
        Map<String, Integer> out = new LinkedHashMap<>();
        jdbc.list("select key_id, count(*) from pms_account where removed = false group by key_id order by key_id", rs -> {
            out.put(rs.getString(1), rs.getInt(2));
            return null;
        });
        return out;
    }

    /**
     * The live accounts as their rows hold them, for {@code accounts export}: credentials stay encrypted (ciphertext and
     * key id), so the file opens only where the same key is configured.
     */
    public List<com.fasterxml.jackson.databind.node.ObjectNode> exportRows() {
        return jdbc.list("select " + COLUMNS + " from pms_account where removed = false order by id", rs -> {
            com.fasterxml.jackson.databind.node.ObjectNode o = Json.MAPPER.createObjectNode();
            for (String c : COLUMNS.split(", ")) {
                Object v = rs.getObject(c);
                if (v instanceof Timestamp t) {
                    o.put(c, t.toInstant().toString());
                } else if (v instanceof Boolean b) {
                    o.put(c, b);
                } else if (v instanceof Number n) {
                    o.put(c, n.longValue());
                } else {
                    o.put(c, v == null ? null : v.toString());
                }
            }
            return o;
        });
    }

    /**
     * Adds exported rows ({@link #exportRows}); an id that exists live is refused unless {@code replace}. Each row's
     * credentials must open here (the same key, current or previous) before anything is written: nothing half-imported.
     * Returns the ids written.
     */
    public List<String> importRows(List<com.fasterxml.jackson.databind.JsonNode> rows, boolean replace, Instant now) {
        requireKey();
        for (com.fasterxml.jackson.databind.JsonNode r : rows) {
            cipher.decrypt(r.path("id").asText(), r.path("key_id").asText(), r.path("credentials").asText());
            if (!replace && find(r.path("id").asText()).isPresent()) {
                throw new IllegalStateException("account '" + r.path("id").asText() + "' exists in this store (--replace to overwrite it)");
            }
        }
        List<String> written = new ArrayList<>();
        jdbc.transaction(() -> {
            for (com.fasterxml.jackson.databind.JsonNode r : rows) {
                String id = r.path("id").asText();
                long version = load(id).map(e -> e.version() + 1).orElse(1L);
                jdbc.update("delete from pms_account where id = ?", id);
                jdbc.update("insert into pms_account (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id,
                        r.path("source").asText(), text(r, "name"), text(r, "external_ref"), text(r, "base_url"), text(r, "time_zone"),
                        r.path("credentials").asText(), r.path("key_id").asText(), text(r, "every_value"), text(r, "cron"),
                        r.path("sinks").asText("[]"), r.path("tags").asText("[]"), r.path("paused").asBoolean(false), false, version,
                        Timestamp.from(Instant.parse(r.path("created_at").asText(now.toString()))), Timestamp.from(now), text(r, "webhook_id"));
                written.add(id);
            }
        });
        return written;
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode r, String field) {
        return r.hasNonNull(field) ? r.get(field).asText() : null;
    }

    /** Erases everything stored for the account's conversations (events, sends, webhooks, dead letters, state). */
    public void purgeData(String accountId) {
        jdbc.transaction(() -> {
            ACCOUNT_TABLES.forEach(t -> jdbc.update("delete from " + t + " where account_id = ?" + (t.equals("delivery")
                    ? " and event_type not like 'account.%'" : ""), accountId)); // its lifecycle events hold no guest data: delivered still
            jdbc.update("delete from pms_account_health where account_id = ?", accountId);
        });
    }

    private Object[] values(StoredAccount a, long version, Instant created, Instant updated) {
        String credentials = cipher.encrypt(a.id(), Json.MAPPER.valueToTree(a.credentials()).toString());
        return new Object[] {a.id(), a.source(), a.name(), a.externalRef(), a.baseUrl(), a.timeZone(), credentials, cipher.keyId(), a.every(),
                a.cron(), json(a.sinks()), json(a.tags()), a.paused(), a.removed(), version, Timestamp.from(created), Timestamp.from(updated),
                a.webhookId()};
    }

    private StoredAccount read(ResultSet rs) throws SQLException {
        return read(rs, true);
    }

    private StoredAccount read(ResultSet rs, boolean decrypt) throws SQLException {
        String id = rs.getString("id");
        Map<String, String> credentials = Map.of();
        if (decrypt && cipher != null && !rs.getBoolean("removed")) {
            String plain = cipher.decrypt(id, rs.getString("key_id"), rs.getString("credentials"));
            credentials = parse(plain, new TypeReference<LinkedHashMap<String, String>>() { });
        }
        return new StoredAccount(id, rs.getString("source"), rs.getString("name"), rs.getString("external_ref"), rs.getString("base_url"),
                rs.getString("time_zone"), credentials, rs.getString("every_value"), rs.getString("cron"),
                parse(rs.getString("sinks"), new TypeReference<ArrayList<String>>() { }), parse(rs.getString("tags"), new TypeReference<ArrayList<String>>() { }),
                rs.getBoolean("paused"), rs.getBoolean("removed"), rs.getLong("version"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), rs.getString("webhook_id"));
    }

    private void requireKey() {
        if (cipher == null) {
            throw new IllegalStateException("no encryption key for credentials: set runtime.store.encryptionKey ({env: NAME} or {file: path})");
        }
    }

    private static String json(List<String> values) {
        return Json.MAPPER.valueToTree(values == null ? List.of() : values).toString();
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("pms_account: a column is not the JSON it should be");
        }
    }
}
