package dev.pmsconversations.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An account of a simulated PMS: its credentials (as the PMS issues them) and its threads. */
public final class SimAccount {
    public final String id;
    /** As the PMS holds them now: a test may rotate one (the PMS issues a new secret, the old one stops working). */
    public final Map<String, String> credentials;
    public final List<SimThread> threads = new ArrayList<>();

    public SimAccount(String id, Map<String, String> credentials) {
        this.id = id;
        this.credentials = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(credentials));
    }

    public SimThread thread(String threadId) {
        return threads.stream().filter(t -> t.id.equals(threadId)).findFirst().orElse(null);
    }
}
