package dev.pmsconversations.simulator;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request the simulator received, recorded for assertions ("how many calls did the sync make?", "did two
 * runtime nodes poll one account at once?"). {@code node} is the runtime node named in the User-Agent
 * ({@code ... (node <id>)}), null when the client did not say. {@code arrived}: when it reached the simulator (before
 * any simulated latency); {@code at}: when it was handled.
 */
public record SimRequest(String source, String account, String method, String path, Map<String, String> query,
                         String node, Instant arrived, Instant at) {
    private static final Pattern NODE = Pattern.compile("\\(node ([^)]+)\\)");

    public SimRequest(String source, String account, String method, String path, Map<String, String> query) {
        this(source, account, method, path, query, null, Instant.now(), Instant.now());
    }

    /** The node id a pms-conversations runtime puts in its User-Agent, or null. */
    public static String nodeOf(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        Matcher m = NODE.matcher(userAgent);
        return m.find() ? m.group(1) : null;
    }
}
