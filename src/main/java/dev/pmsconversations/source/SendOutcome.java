package dev.pmsconversations.source;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one attempt of the PMS's send call came to.
 *
 * @param detail the PMS's answer (ACCEPTED) or the failure, without secrets
 */
public record SendOutcome(Result result, int status, String detail, String retryAfter, JsonNode answer) {
    /**
     * ACCEPTED: the PMS took it. REJECTED: refused for good (4xx). NOT_PROCESSED: not taken (429, connection refused),
     * safe to send again. UNKNOWN: no answer or a 5xx: it may have been taken, so look before sending again.
     */
    public enum Result { ACCEPTED, REJECTED, NOT_PROCESSED, UNKNOWN }
}
