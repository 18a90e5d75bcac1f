package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.delivery.DeliveryStore;
import dev.pmsconversations.source.RefreshTokens;
import dev.pmsconversations.store.StateExport;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.testing.TestRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code store export} / {@code store import}: the state an account needs to go on (cursors, rotated refresh tokens,
 * conversation state, every column) moves from H2 to PostgreSQL and back; nothing else moves, and no token is printed.
 */
class StoreCommandTest {
    private static final String CONFIGURED = "configured-refresh-token-0123456789";
    private static final String ROTATED = "rotated-refresh-token-9876543210abcdef";

    @TempDir
    Path dir;

    /** The command run in this JVM, its output captured (the same runner as CliTest's). */
    static CliTest.Result run(String... args) {
        return CliTest.run(args);
    }


    private String h2(String name) {
        return "jdbc:h2:file:" + dir.resolve(name).toString().replace('\\', '/');
    }

    /** A configuration with BookingSync account bs-1 (refresh token {@link #CONFIGURED}), Guesty account g1, and {@code more}. */
    private Path config(String name, String url, String more) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "runtime:\n  store: { url: \"" + url + "\" }\n"
                + "sinks:\n  - { name: files, type: file, directory: out }\naccounts:\n"
                + "  - { id: bs-1, source: bookingsync, credentials: { clientId: { value: cid }, clientSecret: { value: csecret }, "
                + "refreshToken: { value: " + CONFIGURED + " } } }\n"
                + "  - { id: g1, source: guesty, credentials: { clientId: { value: a }, clientSecret: { value: b } } }\n" + more);
        return file;
    }

    private static StateStore open(String url) {
        return new StateStore(new RuntimeConfig.StoreConfig(url, null, null, null));
    }

    /** Every row of a table, every column, as neutral values (instants, strings, longs), ordered by account and key. */
    private static List<Map<String, Object>> rows(String url, String table, String orderBy) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select * from " + table + " order by " + orderBy)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof Timestamp t) {
                        v = t.toInstant();
                    } else if (v instanceof java.sql.Clob clob) {
                        v = clob.getSubString(1, (int) clob.length());
                    } else if (v instanceof Number n) {
                        v = n.longValue();
                    }
                    row.put(meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), v);
                }
                out.add(row);
            }
        }
        return out;
    }

    private static final Map<String, String> KEYS = Map.of("sync_cursor", "account_id", "refresh_token", "account_id",
            "conversation_state", "account_id, conversation_id");

    private static String bigSnapshot() {
        StringBuilder s = new StringBuilder("{\"id\":\"c-1\",\"messages\":[");
        for (int i = 0; i < 400; i++) {
            s.append(i == 0 ? "" : ",").append("{\"id\":\"m").append(i).append("\",\"body\":\"Grüße aus Köln 🏖 — message ").append(i).append("\"}");
        }
        return s.append("]}").toString();
    }

    @Test
    void exportFromH2AndImportIntoPostgresCarriesEveryColumnAndNoTokenIsPrinted() throws Exception {
        String from = h2("a");
        String to = TestRuntime.postgresStoreUrl();
        Path a = config("a.yaml", from, "");
        Path b = config("b.yaml", to, "");
        Instant activity = Instant.parse("2026-08-19T10:15:30.123456Z");
        String snapshot = bigSnapshot();
        try (StateStore s = open(from)) {
            s.saveConversation("bs-1", "bookingsync", "c-1", "m-1", "hash-1", snapshot, "res-1", "prop-1", activity);
            s.saveConversation("bs-1", "bookingsync", "c-2", "m-2", "hash-2", "{\"id\":\"c-2\"}", null, null, null);
            s.markFailing("bs-1", "bookingsync", "c-3"); // a thread that could not be mapped: flagged, no content
            s.saveConversation("g1", "guesty", "g-1", "gm-1", "ghash-1", "{\"id\":\"g-1\"}", "gres-1", null, activity);
            s.saveCursor("bs-1", "2026-08-19T10:00:00Z");
            s.saveCursor("g1", "cursor-of-g1");
            s.saveRefreshToken("bs-1", RefreshTokens.credentialHash(CONFIGURED), ROTATED);
            // a column a later migration adds travels without a code change
            s.jdbc().update("alter table conversation_state add column later_column varchar(64)");
            s.jdbc().update("update conversation_state set later_column = 'added later' where conversation_id = 'c-1'");
            // work in flight stays behind: one event to deliver, one dead letter, one message to send
            DeliveryStore deliveries = new DeliveryStore(s.jdbc());
            deliveries.enqueue("files", "evt_1", "bs-1", "bookingsync", "c-1", "conversation.created", "{}", Instant.now());
            deliveries.enqueue("files", "evt_2", "g1", "guesty", "g-1", "conversation.created", "{}", Instant.now());
            deliveries.dead(deliveries.rowsOfEvent("evt_2").get(0).id(), "HTTP 400", Instant.now());
            s.jdbc().update("insert into outbox (id, account_id, source, conversation_id, idempotency_key, request_hash, message_type, body, "
                    + "status, needs_check, attempts, created_at, updated_at, next_attempt_at) values ('o-1', 'bs-1', 'bookingsync', 'c-1', "
                    + "'k-1', 'rh', 'channel', 'Hello', 'PENDING', false, 0, ?, ?, ?)", Timestamp.from(Instant.now()),
                    Timestamp.from(Instant.now()), Timestamp.from(Instant.now()));
        }
        try (StateStore s = open(to)) {
            s.jdbc().update("alter table conversation_state add column later_column varchar(64)");
        }

        Path file = dir.resolve("state.json");
        CliTest.Result exported = run("store", "export", "-c", a.toString(), "--file", file.toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(exported.out()).contains("exported the state of 2 account(s) from the H2 store to " + file,
                "  bs-1: sync_cursor 1, refresh_token 1, conversation_state 3", "  g1: sync_cursor 1, conversation_state 1",
                "readable by its owner only (rw-------)", "not carried: delivery (", "not carried: outbox (");
        assertThat(exported.err()).contains("warning: 1 event(s) not yet delivered", "warning: 1 outbox message(s) not yet sent",
                "warning: 1 dead letter(s) of the sinks");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains(ROTATED); // the file holds it ...
        assertThat(exported.out() + exported.err()).doesNotContain(ROTATED).doesNotContain(CONFIGURED); // ... the output does not

        CliTest.Result imported = run("store", "import", "-c", b.toString(), "--file", file.toString());
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("imported the state of 2 account(s) from " + file + " into the PostgreSQL store",
                "  bs-1: sync_cursor 1, refresh_token 1, conversation_state 3", "  g1: sync_cursor 1, conversation_state 1");
        assertThat(imported.err()).doesNotContain("warning"); // bs-1's rotated token descends from b.yaml's configured one
        assertThat(imported.out() + imported.err()).doesNotContain(ROTATED).doesNotContain(CONFIGURED);

        for (String table : KEYS.keySet()) {
            assertThat(rows(to, table, KEYS.get(table))).as(table).isEqualTo(rows(from, table, KEYS.get(table)));
        }
        Map<String, Object> c1 = rows(to, "conversation_state", "conversation_id").get(0);
        assertThat(c1).containsEntry("conversation_id", "c-1").containsEntry("marker", "m-1").containsEntry("content_hash", "hash-1")
                .containsEntry("snapshot", snapshot).containsEntry("reservation_id", "res-1").containsEntry("property_id", "prop-1")
                .containsEntry("last_activity_at", activity).containsEntry("later_column", "added later");
        try (StateStore s = open(to)) {
            assertThat(s.refreshToken("bs-1", RefreshTokens.credentialHash(CONFIGURED))).contains(ROTATED);
            assertThat(s.cursor("bs-1")).contains("2026-08-19T10:00:00Z");
            assertThat(s.conversation("bs-1", "c-3").orElseThrow().failing()).isTrue();
            // the API's paging order goes on after the imported conversations
            long highest = rows(to, "conversation_state", "seq").stream().mapToLong(r -> (Long) r.get("seq")).max().orElseThrow();
            s.saveConversation("bs-1", "bookingsync", "c-4", "m-4", "hash-4", "{}", null, null, null);
            assertThat(rows(to, "conversation_state", "seq desc").get(0)).containsEntry("conversation_id", "c-4")
                    .containsEntry("seq", highest + 1);
            assertThat(rows(to, "delivery", "id")).isEmpty();
            assertThat(rows(to, "outbox", "id")).isEmpty();
        }

        CliTest.Result again = run("store", "import", "-c", b.toString(), "--file", file.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("the PostgreSQL store already holds state of [bs-1, g1]; nothing was imported", "--replace");
        assertThat(rows(to, "conversation_state", "seq")).hasSize(5); // c-4 is still there: nothing was touched
    }

    @Test
    void importFromPostgresIntoH2ReplacesOnlyWithReplaceAndLeavesOtherAccountsAlone() throws Exception {
        String from = TestRuntime.postgresStoreUrl();
        String to = h2("b");
        Path a = config("a.yaml", from, "");
        // b.yaml has one more BookingSync account, bs-2, that the file does not hold
        Path b = config("b.yaml", to, "  - { id: bs-2, source: bookingsync, credentials: { clientId: { value: cid2 }, "
                + "clientSecret: { value: csecret2 }, refreshToken: { value: configured-of-bs-2 } } }\n");
        Instant activity = Instant.parse("2026-09-01T08:00:00.5Z");
        try (StateStore s = open(from)) {
            s.saveConversation("bs-1", "bookingsync", "c-1", "m-1", "hash-1", "{\"id\":\"c-1\"}", "res-1", null, activity);
            s.saveConversation("bs-1", "bookingsync", "c-2", "m-2", "hash-2", "{\"id\":\"c-2\"}", "res-2", null, activity);
            s.saveCursor("bs-1", "cursor-from-postgres");
            s.saveRefreshToken("bs-1", RefreshTokens.credentialHash(CONFIGURED), ROTATED);
        }
        try (StateStore s = open(to)) {
            s.saveConversation("bs-1", "bookingsync", "old-1", "old-m", "old-hash", "{}", null, null, null);
            s.saveConversation("other", "guesty", "o-1", "o-m", "o-hash", "{}", null, null, null);
            s.saveCursor("bs-1", "old-cursor");
            s.saveRefreshToken("bs-1", RefreshTokens.credentialHash("an-older-grant"), "token-of-an-older-grant");
        }
        Path file = dir.resolve("state.json");
        CliTest.Result exported = run("store", "export", "-c", a.toString(), "--file", file.toString(), "--account", "bs-1", "--account", "nobody");
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(exported.out()).contains("exported the state of 1 account(s) from the PostgreSQL store",
                "  bs-1: sync_cursor 1, refresh_token 1, conversation_state 2");
        assertThat(exported.err().strip()).isEqualTo("warning: the store holds no state of account 'nobody'"); // nothing in flight

        CliTest.Result refused = run("store", "import", "-c", b.toString(), "--file", file.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("the H2 store already holds state of [bs-1]; nothing was imported");
        try (StateStore s = open(to)) {
            assertThat(s.cursor("bs-1")).contains("old-cursor");
        }

        CliTest.Result replaced = run("store", "import", "-c", b.toString(), "--file", file.toString(), "--replace");
        assertThat(replaced.code()).as(replaced.err()).isZero();
        assertThat(replaced.out()).contains("into the H2 store", "  bs-1: sync_cursor 1, refresh_token 1, conversation_state 2 (replaced the state it had)");
        // the check the runtime makes at start: bs-2 has no rotated token in this store
        assertThat(replaced.err()).contains("warning: account 'bs-2' (BookingSync): the state store holds no rotated refresh token")
                .doesNotContain("account 'bs-1'");
        try (StateStore s = open(to)) {
            assertThat(s.cursor("bs-1")).contains("cursor-from-postgres");
            assertThat(s.refreshToken("bs-1", RefreshTokens.credentialHash(CONFIGURED))).contains(ROTATED);
            assertThat(s.conversation("bs-1", "old-1")).isEmpty();
            assertThat(s.conversation("other", "o-1")).isPresent();
        }
        List<Map<String, Object>> imported = rows(to, "conversation_state", "seq");
        assertThat(imported).extracting(r -> r.get("conversation_id")).containsExactly("o-1", "c-1", "c-2"); // numbered after o-1, in order
        List<Map<String, Object>> original = rows(from, "conversation_state", "conversation_id");
        for (int i = 0; i < 2; i++) {
            Map<String, Object> want = new LinkedHashMap<>(original.get(i));
            Map<String, Object> got = new LinkedHashMap<>(imported.get(i + 1));
            want.remove("seq");
            got.remove("seq");
            assertThat(got).isEqualTo(want);
        }
        assertThat(imported.get(1)).containsEntry("last_activity_at", activity).containsEntry("reservation_id", "res-1");
    }

    @Test
    void badConfigurationStoreOrFileIsExit2WithTheReasonAndAFailedImportWritesNothing() throws Exception {
        CliTest.Result missing = run("store", "export", "-c", dir.resolve("nope.yaml").toString(), "--file", dir.resolve("s.json").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml: configuration file not found");

        Path unreachable = config("down.yaml", "jdbc:postgresql://127.0.0.1:1/test?user=postgres", "");
        CliTest.Result down = run("store", "export", "-c", unreachable.toString(), "--file", dir.resolve("s.json").toString());
        assertThat(down.code()).isEqualTo(2);
        assertThat(down.err()).contains("cannot open the state store jdbc:postgresql://127.0.0.1:1/test");

        String url = h2("c");
        Path c = config("c.yaml", url, "");
        CliTest.Result noDir = run("store", "export", "-c", c.toString(), "--file", dir.resolve("no/such/dir/s.json").toString());
        assertThat(noDir.code()).isEqualTo(2);
        assertThat(noDir.err()).contains("directory not found");

        CliTest.Result noFile = run("store", "import", "-c", c.toString(), "--file", dir.resolve("absent.json").toString());
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("absent.json: file not found");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"format\": \"pms-conversations-state\", \"version\": 1, \"accounts\": [\"bs-1\"], \"tables\": {\"sync_cursor\": [");
        CliTest.Result broken = run("store", "import", "-c", c.toString(), "--file", bad.toString());
        assertThat(broken.code()).isEqualTo(2);
        assertThat(broken.err()).contains("bad.json: not valid JSON at line 1");

        Files.writeString(bad, "{\"conversations\": []}");
        CliTest.Result other = run("store", "import", "-c", c.toString(), "--file", bad.toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("not a state export of pms-conversations");

        // a column this store does not have: refused, and the rows of the table before it are not kept either
        Files.writeString(bad, "{\"format\": \"pms-conversations-state\", \"version\": 1, \"accounts\": [\"bs-1\"], \"tables\": {"
                + "\"sync_cursor\": [{\"account_id\": \"bs-1\", \"cursor_value\": \"x\", \"updated_at\": \"2026-01-01T00:00:00Z\"}],"
                + "\"conversation_state\": [{\"account_id\": \"bs-1\", \"conversation_id\": \"c\", \"source\": \"bookingsync\", "
                + "\"updated_at\": \"2026-01-01T00:00:00Z\", \"from_the_future\": 1}]}}");
        CliTest.Result newer = run("store", "import", "-c", c.toString(), "--file", bad.toString());
        assertThat(newer.code()).isEqualTo(2);
        assertThat(newer.err()).contains("table 'conversation_state' has no column 'from_the_future'", "newer version");
        try (StateStore s = open(url)) {
            assertThat(s.cursor("bs-1")).isEmpty();
        }

        // a row the store refuses (a token longer than the column): exit 1, and the reason quotes no token
        String longToken = "secret-token-" + "x".repeat(3000);
        Files.writeString(bad, "{\"format\": \"pms-conversations-state\", \"version\": 1, \"accounts\": [\"bs-1\"], \"tables\": {"
                + "\"refresh_token\": [{\"account_id\": \"bs-1\", \"credential_hash\": \"h\", \"token\": \"" + longToken + "\", "
                + "\"updated_at\": \"2026-01-01T00:00:00Z\"}]}}");
        CliTest.Result refused = run("store", "import", "-c", c.toString(), "--file", bad.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("the state store refused a row of refresh_token").doesNotContain("secret-token-");
    }

    @Test
    void everyTableOfTheSchemaIsCarriedOrLeftBehindForAReason() throws Exception {
        for (String url : List.of("jdbc:h2:mem:tables;DB_CLOSE_DELAY=-1", TestRuntime.postgresStoreUrl())) {
            try (StateStore s = open(url)) {
                Map<String, String> left = new StateExport(s).leftBehind();
                assertThat(left).as(url).containsKeys("delivery", "outbox", "webhook_event", "dead_letter", "request_permit")
                        .doesNotContainValue("a table this version does not know");
            }
        }
    }

    @Test
    void storeExplainsItself() {
        for (String[] args : List.of(new String[] {"store", "--help"}, new String[] {"store", "export", "--help"},
                new String[] {"store", "import", "--help"})) {
            CliTest.Result r = run(args);
            assertThat(r.code()).isZero();
            assertThat(r.out()).startsWith("Usage: pms-conversations " + String.join(" ", List.of(args).subList(0, args.length - 1)));
        }
    }
}
