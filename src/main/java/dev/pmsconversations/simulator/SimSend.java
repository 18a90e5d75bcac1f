package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/** A message a client sent through a simulated PMS's send call, as the PMS received it. */
public record SimSend(String source, String account, String threadId, JsonNode request, String createdMessageId) {
}
