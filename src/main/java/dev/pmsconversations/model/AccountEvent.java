package dev.pmsconversations.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What sinks receive when an account's connection changes: the envelope of {@link ConversationEvent} (a stable id
 * consumers dedupe on, type, source, account, time) around the account's state. Never a credential.
 */
@JsonPropertyOrder({"id", "type", "source", "accountId", "occurredAt", "data"})
public record AccountEvent(String id, String type, String source, String accountId, String occurredAt, Data data) {

    public static final String CONNECTED = "account.connected";
    public static final String AUTH_FAILED = "account.auth_failed";
    public static final String RECOVERED = "account.recovered";
    public static final String REMOVED = "account.removed";
    /** Event types of this kind start with it (a delivery row tells them from conversation events by it). */
    public static final String PREFIX = "account.";

    /**
     * @param status the account's status after the change: ACTIVE, AUTH_FAILED or REMOVED
     * @param reason why (the PMS's answer for auth_failed); null otherwise
     */
    @JsonPropertyOrder({"status", "reason", "name", "externalRef", "tags"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Data(String status, String reason, String name, String externalRef, List<String> tags) {
    }

    /** A stable id: the same change of the same account always has the same one ({@code nonce} tells changes apart). */
    public static String id(String accountId, String type, String nonce) {
        return "acc-" + Hashes.sha256(accountId + "\n" + type + "\n" + nonce).substring(0, 40);
    }
}
