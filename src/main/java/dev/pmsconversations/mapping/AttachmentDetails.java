package dev.pmsconversations.mapping;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.yaml.YamlNode;
import java.util.Set;

/**
 * {@code attachments.details: {path, id}}: a message that lists its attachments by id (BookingSync's
 * {@code links.attachments: [1]}) has their details in records read beside the thread ({@code api.related}). Each id is
 * replaced by the record at {@code path} (on the conversation, {@code ^/@attachments/attachments}) whose {@code id}
 * holds it; when that record was not read, the attachment keeps its id alone, so it is not lost with its details.
 */
record AttachmentDetails(FieldCompiler.RawPath records, JsonPointer id) {

    static AttachmentDetails compile(YamlNode spec) {
        spec.onlyKeys(Set.of("path", "id"));
        String path = spec.text("path");
        if (path == null || !path.startsWith("^/")) {
            throw spec.error("attachments.details.path reads the conversation's records: write it as ^/@<related name>/...");
        }
        String key = spec.text("id") == null ? "/id" : spec.text("id");
        if (!key.startsWith("/") || key.contains("[")) {
            throw spec.error("attachments.details.id is the pointer to a record's id, such as /id");
        }
        return new AttachmentDetails(FieldCompiler.path(spec.get("path"), path), JsonPointer.compile(key));
    }

    /** The details record of the attachment {@code linked} (an id) in {@code conversation}, or an object holding the id. */
    JsonNode of(JsonNode linked, JsonNode conversation) {
        String wanted = linked.asText();
        JsonNode all = conversation == null ? null : records.node(conversation, conversation);
        if (all != null && all.isArray()) {
            for (JsonNode record : all) {
                JsonNode v = record.at(id);
                if (v.isValueNode() && !v.isNull() && v.asText().equals(wanted)) {
                    return record;
                }
            }
        }
        ObjectNode alone = Json.MAPPER.createObjectNode();
        ObjectNode at = alone;
        for (JsonPointer p = id; !p.tail().matches(); p = p.tail()) {
            at = at.putObject(p.getMatchingProperty());
        }
        at.set(id.last().getMatchingProperty(), linked);
        return alone;
    }
}
