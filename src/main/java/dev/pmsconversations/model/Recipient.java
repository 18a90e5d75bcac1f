package dev.pmsconversations.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The guest of a conversation. */
@JsonPropertyOrder({"name", "email", "phone", "picture"})
public record Recipient(String name, String email, String phone, String picture) {
    public static final Recipient EMPTY = new Recipient(null, null, null, null);
}
