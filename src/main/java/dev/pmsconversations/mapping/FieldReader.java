package dev.pmsconversations.mapping;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A compiled field of a mapping file: reads one unified value (String, Boolean, a time as {@link MappedTime}, or null) from a native
 * record. {@code parent} is the conversation record when mapping a message, null otherwise.
 */
@FunctionalInterface
public interface FieldReader {
    FieldReader NULL = (record, parent) -> null;

    Object read(JsonNode record, JsonNode parent);
}
