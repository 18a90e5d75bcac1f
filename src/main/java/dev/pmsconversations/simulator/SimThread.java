package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One thread in a simulated PMS, kept in that PMS's native shape. */
public final class SimThread {
    public final String id;
    public final ObjectNode record;
    public final List<ObjectNode> messages = new ArrayList<>();
    /** Records the PMS serves beside the thread (e.g. the lead or guest it points to), by the bundle's name. */
    public final Map<String, ObjectNode> related = new LinkedHashMap<>();

    public SimThread(String id, ObjectNode record) {
        this.id = id;
        this.record = record;
    }
}
