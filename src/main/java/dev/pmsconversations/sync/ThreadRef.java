package dev.pmsconversations.sync;

import com.fasterxml.jackson.databind.JsonNode;

/** One thread as listed by the PMS (before its messages are fetched), with the poll it belongs to. */
public record ThreadRef(PollRun run, String conversationId, JsonNode record) {
}
