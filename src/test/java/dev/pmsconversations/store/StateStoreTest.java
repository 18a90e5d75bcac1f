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
        try (StateStore store = new StateStore(new RuntimeConfig.StoreConfig(url, null, null, null))) {
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

    /** A thread's failed reads: one dead letter counting occurrences, flagged state, one claim per retry, resolved by a read. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void failedReadsAreCountedClaimedOnceAndResolved(String url) {
        try (StateStore store = new StateStore(new RuntimeConfig.StoreConfig(url, null, null, null))) {
            String account = "acct-" + UUID.randomUUID();
            ReadFailures reads = store.readFailures();
            assertThat(reads.record("hostaway", account, "mapping", "c1", "senderType", "unknown value '7'", "{\"v\":1}")).isTrue();
            assertThat(reads.record("hostaway", account, "mapping", "c1", "senderType", "unknown value '8'", "{\"v\":2}")).isFalse();
            assertThat(reads.record("hostaway", account, "thread", "c1", null, "HTTP 500", null)).as("another kind").isTrue();
            assertThat(reads.record("hostaway", account, "page", null, null, "not JSON", null)).isTrue();
            assertThat(reads.record("hostaway", account, "page", null, null, "not JSON", null)).isFalse();
            assertThat(reads.record("hostaway", account, "page", null, null, "no id", null)).as("another problem of the pages").isTrue();
            List<ReadFailures.Failure> open = reads.open(java.util.Set.of(account));
            assertThat(open).extracting(ReadFailures.Failure::kind, ReadFailures.Failure::occurrences, ReadFailures.Failure::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("mapping", 2, "unknown value '8'"),
                            org.assertj.core.groups.Tuple.tuple("thread", 1, "HTTP 500"), org.assertj.core.groups.Tuple.tuple("page", 2, "not JSON"),
                            org.assertj.core.groups.Tuple.tuple("page", 1, "no id"));
            // a never delivered thread is flagged without content; a delivered one keeps its content
            store.markFailing(account, "hostaway", "c1");
            assertThat(store.conversation(account, "c1").orElseThrow()).isEqualTo(new ConversationState(null, null, null, true));
            store.saveConversation(account, "hostaway", "c2", "m2", "h2", "{}", null, null, null);
            store.markFailing(account, "hostaway", "c2");
            assertThat(store.conversation(account, "c2").orElseThrow()).isEqualTo(new ConversationState("m2", "h2", "{}", true));

            // replay: the thread kinds only (a page has no thread to read); a claim is taken once until its lease runs out
            assertThat(reads.requestRetry(java.util.Set.of(account), null)).isEqualTo(2);
            List<ReadFailures.Retry> claimed = reads.claimDue(100, java.time.Duration.ofMinutes(2)).stream()
                    .filter(r -> r.accountId().equals(account)).toList();
            assertThat(claimed).extracting(ReadFailures.Retry::conversationId).containsExactly("c1", "c1");
            assertThat(reads.claimDue(100, java.time.Duration.ofMinutes(2)).stream().filter(r -> r.accountId().equals(account))).isEmpty();
            // the thread went through: both of its dead letters are resolved, the page's stays until a complete poll
            assertThat(reads.resolveThread(account, "c1")).isEqualTo(2);
            assertThat(reads.open(java.util.Set.of(account))).extracting(ReadFailures.Failure::kind).containsExactly("page", "page");
            assertThat(reads.resolvePages(account)).isEqualTo(2);
            assertThat(reads.open(java.util.Set.of(account))).isEmpty();
            // failing again after the fix reopens nothing old: a new dead letter
            assertThat(reads.record("hostaway", account, "mapping", "c1", "senderType", "unknown value '9'", null)).isTrue();
        }
    }

    /** A source file's version: the first one is only recorded, a different one is seen once (by one node of several). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void aChangedSourceFileIsSeenOnce(String url) {
        try (StateStore node1 = new StateStore(new RuntimeConfig.StoreConfig(url, null, null, null))) {
            String source = "src-" + UUID.randomUUID().toString().substring(0, 8);
            MappingVersions versions = node1.mappingVersions();
            assertThat(versions.advance(source, "v1")).as("the first version: nothing was mapped by another").isFalse();
            assertThat(versions.advance(source, "v1")).isFalse();
            assertThat(versions.advance(source, "v2")).isTrue();
            assertThat(node1.mappingVersions().advance(source, "v2")).as("a second node with the same new file").isFalse();
            assertThat(versions.advance(source, "v1")).as("back to the old file is a change too").isTrue();
        }
    }

    /** Two nodes that read the same state: the second write of a change is refused, not stacked on the first. */
    @org.junit.jupiter.api.Test
    void aChangeIsSavedOnlyOverTheStateItWasComputedFrom() {
        try (StateStore store = new StateStore(new RuntimeConfig.StoreConfig(urls().get(1), null, null, null))) {
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
