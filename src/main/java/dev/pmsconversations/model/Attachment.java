package dev.pmsconversations.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A file attached to a message; every leaf may be null. */
@JsonPropertyOrder({"id", "name", "url", "type"})
public record Attachment(String id, String name, String url, Type type) {

    public Attachment {
        type = type == null ? new Type(null, null) : type;
    }

    @JsonPropertyOrder({"extension", "mimeType"})
    public record Type(String extension, String mimeType) {
    }
}
