package dev.pmsconversations.simulator;

import java.util.Map;

/** A request the simulator received, recorded for assertions ("how many calls did the sync make?"). */
public record SimRequest(String source, String account, String method, String path, Map<String, String> query) {
}
