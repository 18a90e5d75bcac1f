package dev.pmsconversations.sync;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One thread as listed by the PMS (before its messages are fetched), with the poll it belongs to.
 * {@code directed}: read because something said it changed (a webhook, a message we sent), not found by a poll;
 * such a read does not trust the thread's marker, which a PMS often keeps to the second.
 */
public record ThreadRef(PollRun run, String conversationId, JsonNode record, boolean directed) {
    /** A thread found by a poll. */
    public ThreadRef(PollRun run, String conversationId, JsonNode record) {
        this(run, conversationId, record, false);
    }
}
