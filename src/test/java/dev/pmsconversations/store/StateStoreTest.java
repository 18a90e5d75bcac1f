package dev.pmsconversations.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.config.RuntimeConfig;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same store behaviour on the embedded H2 default and on the machine's PostgreSQL. */
class StateStoreTest {
    static List<String> urls() {
        return List.of("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                System.getProperty("pms.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void upsertsStateCursorsAndDeadLetters(String url) throws Exception {
        try (StateStore store = new StateStore(new RuntimeConfig.StoreConfig(url, null, null))) {
            String account = "acct-" + UUID.randomUUID();
            assertThat(store.conversation(account, "c1")).isEmpty();
            store.saveConversation(account, "hostaway", "c1", "m1", "h1", "{\"id\":\"c1\"}", "r1", "p1", null);
            store.saveConversation(account, "hostaway", "c1", "m2", "h2", "{\"id\":\"c1\",\"x\":1}", "r1", "p1", null);
            ConversationState s = store.conversation(account, "c1").orElseThrow();
            assertThat(s).isEqualTo(new ConversationState("m2", "h2", "{\"id\":\"c1\",\"x\":1}"));
            assertThat(store.conversationCount(account)).isEqualTo(1);

            assertThat(store.cursor(account)).isEmpty();
            store.saveCursor(account, "2025-01-01T00:00:00Z");
            store.saveCursor(account, "2025-01-02T00:00:00Z");
            assertThat(store.cursor(account)).contains("2025-01-02T00:00:00Z");

            store.deadLetter("hostaway", account, "mapping", "c1", "bad sender", "{}");
            assertThat(store.deadLetters(account)).singleElement()
                    .satisfies(d -> assertThat(d.reason()).isEqualTo("bad sender"));
            // a rotated refresh token replaces the last one; a different configured token (hash) does not see it
            store.saveRefreshToken(account, "hash-a", "refresh-1");
            store.saveRefreshToken(account, "hash-a", "refresh-2");
            assertThat(store.refreshToken(account, "hash-a")).contains("refresh-2");
            assertThat(store.refreshToken(account, "hash-b")).isEmpty();
            if (url.startsWith("jdbc:postgresql")) {
                try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement()) {
                    st.execute("delete from dead_letter where account_id = '" + account + "'");
                    st.execute("delete from conversation_state where account_id = '" + account + "'");
                    st.execute("delete from sync_cursor where account_id = '" + account + "'");
                    st.execute("delete from refresh_token where account_id = '" + account + "'");
                }
            }
        }
    }

    /** Two nodes that read the same state: the second write of a change is refused, not stacked on the first. */
    @org.junit.jupiter.api.Test
    void aChangeIsSavedOnlyOverTheStateItWasComputedFrom() {
        try (StateStore store = new StateStore(new RuntimeConfig.StoreConfig(urls().get(1), null, null))) {
            String account = "acct-" + UUID.randomUUID();
            assertThat(store.saveConversationIfUnchanged(null, account, "hostaway", "c1", "m1", "h1", "{}", null, null, null)).isTrue();
            assertThat(store.saveConversationIfUnchanged(null, account, "hostaway", "c1", "m1b", "h1b", "{}", null, null, null))
                    .as("another node's first version is there already").isFalse();
            assertThat(store.saveConversationIfUnchanged("h0", account, "hostaway", "c1", "m2", "h2", "{}", null, null, null)).isFalse();
            assertThat(store.conversation(account, "c1").orElseThrow().contentHash()).isEqualTo("h1");
            assertThat(store.saveConversationIfUnchanged("h1", account, "hostaway", "c1", "m2", "h2", "{}", null, null, null)).isTrue();
            assertThat(store.conversation(account, "c1").orElseThrow().marker()).isEqualTo("m2");
            store.jdbc().update("delete from conversation_state where account_id = ?", account);
        }
    }
}
