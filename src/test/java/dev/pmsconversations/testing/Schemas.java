package dev.pmsconversations.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/** Validates unified output against docs/schema/conversation.schema.json. */
public final class Schemas {
    private static final JsonSchema CONVERSATION = load();

    private Schemas() {
    }

    private static JsonSchema load() {
        try (InputStream in = Files.newInputStream(Path.of("docs/schema/conversation.schema.json"))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empty when valid; otherwise the violations, one per line. */
    public static String conversationProblems(JsonNode conversation) {
        Set<ValidationMessage> problems = CONVERSATION.validate(conversation);
        return problems.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("\n"));
    }
}
