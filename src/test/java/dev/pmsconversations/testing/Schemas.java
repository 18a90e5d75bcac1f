package dev.pmsconversations.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates unified output against docs/schema/conversation.schema.json, and sink events against
 * docs/schema/event.schema.json. Both are read from their files, so the event schema's reference to the conversation
 * schema resolves as for any user of the repository: to the file beside it.
 */
public final class Schemas {
    private static final JsonSchema CONVERSATION = load("conversation.schema.json");
    private static final JsonSchema EVENT = load("event.schema.json");

    private Schemas() {
    }

    private static JsonSchema load(String file) {
        String uri = Path.of("docs/schema", file).toAbsolutePath().toUri().toString();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SchemaLocation.of(uri));
    }

    /** Empty when valid; otherwise the violations, one per line. */
    public static String conversationProblems(JsonNode conversation) {
        return problems(CONVERSATION, conversation);
    }

    /** Empty when the event (as a sink received it) is valid; otherwise the violations, one per line. */
    public static String eventProblems(JsonNode event) {
        return problems(EVENT, event);
    }

    private static String problems(JsonSchema schema, JsonNode document) {
        Set<ValidationMessage> problems = schema.validate(document);
        return problems.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("\n"));
    }
}
