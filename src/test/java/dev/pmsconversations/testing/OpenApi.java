package dev.pmsconversations.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.pmsconversations.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.stream.Collectors;

/** Checks real API answers against the OpenAPI document the runtime serves (src/main/resources/api/openapi.json). */
public final class OpenApi {
    public static final JsonNode DOCUMENT = load();

    private OpenApi() {
    }

    private static JsonNode load() {
        try (InputStream in = OpenApi.class.getResourceAsStream("/api/openapi.json")) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Empty when {@code body} matches the schema the document declares for this operation and status;
     * otherwise what is wrong (including "status not documented").
     */
    public static String problems(String method, String pathTemplate, int status, JsonNode body) {
        JsonNode operation = DOCUMENT.path("paths").path(pathTemplate).path(method.toLowerCase());
        if (operation.isMissingNode()) {
            return "operation " + method + " " + pathTemplate + " is not documented";
        }
        JsonNode schema = operation.path("responses").path(Integer.toString(status)).at("/content/application~1json/schema");
        if (schema.isMissingNode()) {
            return "status " + status + " of " + method + " " + pathTemplate + " is not documented";
        }
        ObjectNode wrapper = Json.MAPPER.createObjectNode().put("$schema", "https://json-schema.org/draft/2020-12/schema");
        wrapper.setAll((ObjectNode) schema.deepCopy());
        wrapper.set("components", DOCUMENT.get("components"));
        // located where the runtime serves the document from: the Conversation schema's relative $id resolves against it
        JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SchemaLocation.of("classpath:api/openapi.json"), wrapper);
        Set<ValidationMessage> found = s.validate(body);
        return found.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("\n"));
    }
}
