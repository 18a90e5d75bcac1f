package dev.pmsconversations.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A delivery target. {@code type} selects the route template {@code sink-<type>} in {@code routes/};
 * {@code options} are that template's parameters (e.g. {@code directory} for {@code file}, {@code endpoint}
 * for {@code http}). Events reach a sink through its durable queue (see {@code delivery} package), filtered
 * by {@code filter}, as the whole conversation or only the new messages ({@code payload}). {@code settings}:
 * an http sink's extra headers; a jms/rabbitmq sink's connection settings (url, host, user...).
 */
public record SinkConfig(String name, String type, Map<String, String> options, Filter filter, Payload payload,
                         int maxAttempts, Map<String, String> settings, Secret secret) {

    public enum Payload { SNAPSHOT, NEW_MESSAGES }

    /** Which events a sink receives; an empty set means "any". */
    public record Filter(Set<String> sources, Set<String> accounts, Set<String> eventTypes, Set<String> senderTypes) {
        public static final Filter ANY = new Filter(Set.of(), Set.of(), Set.of(), Set.of());

        /** @param newMessageSenders sender types of the event's new messages */
        public boolean accepts(String source, String account, String eventType, List<String> newMessageSenders) {
            return (sources.isEmpty() || sources.contains(source))
                    && (accounts.isEmpty() || accounts.contains(account))
                    && (eventTypes.isEmpty() || eventTypes.contains(eventType))
                    && (senderTypes.isEmpty() || newMessageSenders.stream().anyMatch(senderTypes::contains));
        }
    }

    /** The route template in routes/ that delivers to it: a {@code route} sink is a {@code uri} sink to the user's route. */
    public String template() {
        return "sink-" + (type.equals("route") ? "uri" : type);
    }

    /** A sink with only route options (tests, the file sink of the demo). */
    public SinkConfig(String name, String type, Map<String, String> options) {
        this(name, type, options, Filter.ANY, Payload.SNAPSHOT, 8, Map.of(), null);
    }
}
