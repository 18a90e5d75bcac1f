package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** One thread in a simulated PMS, kept in that PMS's native shape. */
public final class SimThread {
    public final String id;
    public final ObjectNode record;
    public final List<ObjectNode> messages = new ArrayList<>();

    public SimThread(String id, ObjectNode record) {
        this.id = id;
        this.record = record;
    }
}
