package dev.pmsconversations.config;

import java.util.Map;

/**
 * A delivery target. {@code type} selects the route template {@code sink-<type>} in {@code routes/};
 * {@code options} are that template's parameters (e.g. {@code directory} for {@code file}).
 */
public record SinkConfig(String name, String type, Map<String, String> options) {
}
