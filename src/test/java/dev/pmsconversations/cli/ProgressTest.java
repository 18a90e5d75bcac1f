package dev.pmsconversations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.sync.SyncService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** First-sync progress: one updating line with a bar on a terminal, plain lines otherwise; each account counted once. */
class ProgressTest {
    private static SyncService.PollSummary poll(String account, boolean failed) {
        return new SyncService.PollSummary(account, "hostaway", failed, 3, 3, 12, 12, failed ? 1 : 0, 4, 100, failed ? "HTTP 500" : null);
    }

    @Test
    void plainLinesWithoutATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = new Progress("first sync", 2, false, new PrintStream(buf, true, StandardCharsets.UTF_8));
        p.polled(poll("a", false));
        p.polled(poll("a", false)); // a second poll of the same account is not progress
        p.polled(poll("b", true));
        assertThat(buf.toString(StandardCharsets.UTF_8).split("\n"))
                .containsExactly("first sync 1/2: a: 3 conversations, 12 messages", "first sync 2/2: b FAILED");
    }

    @Test
    void onlyTheGivenAccountsAreCounted() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = new Progress("first sync", java.util.Set.of("new"), false, new PrintStream(buf, true, StandardCharsets.UTF_8));
        p.polled(poll("resumed", false)); // an account with stored state: its poll is no first sync
        p.polled(poll("new", false));
        assertThat(buf.toString(StandardCharsets.UTF_8).split("\n")).containsExactly("first sync 1/1: new: 3 conversations, 12 messages");
    }

    @Test
    void oneUpdatingLineWithABarOnATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = new Progress("first sync", 3, true, new PrintStream(buf, true, StandardCharsets.UTF_8));
        p.polled(poll("a", false));
        p.polled(poll("b", false));
        p.polled(poll("c", false));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\rfirst sync [##########....................] 1/3  a: 3 conversations, 12 messages");
        assertThat(out).contains("\rfirst sync [##############################] 3/3  c:").endsWith("\n");
        assertThat(out.chars().filter(ch -> ch == '\n').count()).isEqualTo(1); // one line, rewritten in place
    }
}
