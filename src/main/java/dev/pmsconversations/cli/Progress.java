package dev.pmsconversations.cli;

import dev.pmsconversations.sync.SyncService;
import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of long work (the first sync of every account): on a terminal one line that updates in place, with a bar;
 * otherwise (a log file, CI) one plain line per account as it finishes; with JSON logs, one log event per account (so
 * stdout stays one JSON object per line).
 */
final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger("pms.progress");
    private static final int WIDTH = 30;
    private final String what;
    private final int total;
    private final Predicate<String> counted;
    private final boolean tty;
    private final PrintStream out;
    private final Set<String> done = ConcurrentHashMap.newKeySet();

    /** Every account's first poll counts; {@code out} null: the lines go to the log. */
    Progress(String what, int total, boolean tty, PrintStream out) {
        this(what, total, account -> true, tty, out);
    }

    private Progress(String what, int total, Predicate<String> counted, boolean tty, PrintStream out) {
        this.what = what;
        this.total = total;
        this.counted = counted;
        this.tty = tty && out != null;
        this.out = out;
    }

    static Progress onConsole(String what, int total) {
        return ConsoleFormat.json() ? new Progress(what, total, false, null) : new Progress(what, total, System.console() != null, System.out);
    }

    /** Only these accounts' first polls count (e.g. the accounts the store knows nothing of yet). */
    Progress(String what, Set<String> accounts, boolean tty, PrintStream out) {
        this(what, accounts.size(), Set.copyOf(accounts)::contains, tty, out);
    }

    static Progress onConsole(String what, Set<String> accounts) {
        return ConsoleFormat.json() ? new Progress(what, accounts, false, null) : new Progress(what, accounts, System.console() != null, System.out);
    }

    /** A poll finished; only an account's first poll counts. */
    synchronized void polled(SyncService.PollSummary s) {
        if (total == 0 || !counted.test(s.accountId()) || !done.add(s.accountId())) {
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
            out.flush();
        } else if (out != null) {
            out.println(what + " " + n + "/" + total + ": " + detail);
            out.flush();
        } else {
            LOG.info("{} {}/{}: {}", what, n, total, detail);
        }
    }
}
