package dev.pmsconversations.cli;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.store.JdbcUrls;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines {@code run} logs when it starts, when it is ready and when it stops: which version runs which
 * configuration as which node, where it listens and for how long it ran. Nothing secret: the store's URL goes
 * without its login, and credentials are not named at all.
 */
final class RuntimeBanner {
    /** Logged at INFO whatever PMS_LOG_LEVEL says (log4j2.properties), like the progress lines. */
    static final Logger LOG = LoggerFactory.getLogger("pms.lifecycle");
    /** Ids named per list; a node with 10,000 accounts names the first ones and the count. */
    private static final int NAMED = 10;

    private RuntimeBanner() {
    }

    static String starting(RuntimeConfig rc) {
        return PmsConversations.VERSION + " starting: config " + rc.file() + ", node " + rc.cluster().nodeId()
                + ", store " + JdbcUrls.withoutCredentials(rc.store().url())
                + ", API " + (rc.api().enabled() ? address(rc.api().host(), rc.api().port()) : "off")
                + ", management " + (rc.management().enabled() ? address(rc.management().host(), rc.management().port()) : "off")
                + ", " + named(rc.accounts().stream().map(a -> a.id()).toList(), "account")
                + ", " + named(rc.sinks().stream().map(s -> s.name()).toList(), "sink");
    }

    /** The addresses the servers listen on (the real port where 0 was configured). */
    static String ready(Duration startUp, Optional<String> api, Optional<String> management) {
        return "ready in " + seconds(startUp) + ": API " + api.orElse("off") + ", management " + management.orElse("off");
    }

    static String stopped(Duration uptime, Optional<String> signal, int exitCode) {
        return "stopped" + signal.map(s -> " on " + s).orElse("") + " after " + seconds(uptime) + ", exit code " + exitCode;
    }

    /** The accounts with stored state, whose polls are no first sync. */
    static String resumed(List<String> accounts) {
        return "resumed from the store: " + named(accounts, "account");
    }

    private static String address(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code 2 accounts [a, b]}; beyond ten ids, {@code [a, …, j, …]}. */
    private static String named(List<String> ids, String noun) {
        String list = ids.size() <= NAMED ? String.join(", ", ids) : String.join(", ", ids.subList(0, NAMED)) + ", …";
        return ids.size() + " " + noun + (ids.size() == 1 ? "" : "s") + " [" + list + "]";
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
