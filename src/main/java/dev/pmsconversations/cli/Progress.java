package dev.pmsconversations.cli;

import dev.pmsconversations.sync.SyncService;
import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress of long work (the first sync of every account): on a terminal one line that updates in place, with a bar;
 * otherwise (a log file, CI) one plain line per account as it finishes.
 */
final class Progress {
    private static final int WIDTH = 30;
    private final String what;
    private final int total;
    private final boolean tty;
    private final PrintStream out;
    private final Set<String> done = ConcurrentHashMap.newKeySet();

    Progress(String what, int total, boolean tty, PrintStream out) {
        this.what = what;
        this.total = total;
        this.tty = tty;
        this.out = out;
    }

    static Progress onConsole(String what, int total) {
        return new Progress(what, total, System.console() != null, System.out);
    }

    /** A poll finished; only an account's first poll counts. */
    synchronized void polled(SyncService.PollSummary s) {
        if (total == 0 || !done.add(s.accountId())) {
            return;
        }
        int n = done.size();
        String detail = s.accountId() + (s.failed() ? " FAILED" : ": " + s.delivered() + " conversations, " + s.messages() + " messages");
        if (tty) {
            int filled = n * WIDTH / total;
            out.print("\r" + what + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + n + "/" + total + "  " + detail + "\u001b[K");
            if (n == total) {
                out.println();
            }
        } else {
            out.println(what + " " + n + "/" + total + ": " + detail);
        }
        out.flush();
    }
}
