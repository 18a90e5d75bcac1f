package dev.pmsconversations.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a consumer of the HTTP sink saw, counted the way it would count: it dedupes on the event id; a message is
 * lost when no event carries it; unannounced when no event names it in {@code newMessageIds} (a consumer acting on
 * new messages would never act on it, even if a later snapshot carries it); doubled when two different events
 * announce it as new (a consumer could not tell those apart).
 */
public final class EventLedger {
    private final Set<String> eventIds = new HashSet<>();
    private final Map<String, Set<String>> announcedBy = new HashMap<>();
    private final Set<String> carried = new HashSet<>();
    /** Per conversation, its event ids in the order the consumer first received them. */
    private final Map<String, List<String>> firstArrivals = new HashMap<>();
    private int received;

    public static EventLedger of(List<HttpReceiver.Received> accepted) {
        EventLedger ledger = new EventLedger();
        accepted.forEach(r -> ledger.add(r.json()));
        return ledger;
    }

    private void add(JsonNode event) {
        received++;
        String id = event.path("id").asText();
        if (!eventIds.add(id)) {
            return; // a redelivery: the consumer has it already
        }
        String conversation = event.path("accountId").asText() + "/" + event.at("/data/id").asText();
        event.path("newMessageIds").forEach(m -> announcedBy.computeIfAbsent(conversation + "/" + m.asText(), k -> new HashSet<>()).add(id));
        event.at("/data/messages").forEach(m -> carried.add(conversation + "/" + m.path("id").asText()));
        firstArrivals.computeIfAbsent(conversation, k -> new java.util.ArrayList<>()).add(id);
    }

    /** {@code account/conversation/message} keys of the expected messages that no event announced as new. */
    public Set<String> unannounced(Set<String> expected) {
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(announcedBy.keySet());
        return missing;
    }

    /**
     * What the sink's queue held ({@code account/conversation} → event ids in queue order) against what arrived: the
     * queued events that never arrived, and the conversations whose events first arrived in another order.
     */
    public List<String> queueProblems(Map<String, List<String>> queued) {
        List<String> problems = new java.util.ArrayList<>();
        queued.forEach((conversation, ids) -> {
            List<String> arrived = firstArrivals.getOrDefault(conversation, List.of());
            ids.stream().filter(id -> !eventIds.contains(id)).forEach(id -> problems.add(conversation + ": " + id + " queued, never arrived"));
            if (!arrived.stream().filter(ids::contains).toList().equals(ids.stream().filter(eventIds::contains).toList())) {
                problems.add(conversation + ": arrived " + arrived + ", queued " + ids);
            }
        });
        return problems;
    }

    /** {@code account/conversation/message} keys of the expected messages that no event carried. */
    public Set<String> lost(Set<String> expected) {
        Set<String> lost = new HashSet<>(expected);
        lost.removeAll(carried);
        return lost;
    }

    /** Messages announced as new by more than one distinct event. */
    public Set<String> doubled() {
        Set<String> doubled = new HashSet<>();
        announcedBy.forEach((message, events) -> {
            if (events.size() > 1) {
                doubled.add(message);
            }
        });
        return doubled;
    }

    /** Deliveries of an event id the consumer had already received (at-least-once, deduped by it). */
    public int redeliveries() {
        return received - eventIds.size();
    }

    public int events() {
        return eventIds.size();
    }
}
