package dev.pmsconversations.simulator;

import java.util.Map;

/** One incoming request to a simulated PMS. {@code path} is relative to the source's prefix. */
public record SimExchange(String method, String path, Map<String, String> query, Map<String, String> headers, String body,
                          PmsSimulator simulator) {

    public String header(String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Records the request against an account once the simulated PMS has authenticated it. */
    public void record(String source, String account) {
        simulator.record(new SimRequest(source, account, method, path, query, SimRequest.nodeOf(header("User-Agent")),
                simulator.arrivedAt(), java.time.Instant.now()));
    }
}
