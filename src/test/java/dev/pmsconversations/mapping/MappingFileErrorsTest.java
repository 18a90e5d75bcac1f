package dev.pmsconversations.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.yaml.YamlFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad source file fails with file, line and key, before anything runs. */
class MappingFileErrorsTest {
    @TempDir
    Path dir;

    private Path withHostawayEdited(String from, String to) throws IOException {
        String text = Files.readString(Path.of("mappings/hostaway.yaml"));
        assertThat(text).contains(from);
        Path file = dir.resolve("hostaway.yaml");
        Files.writeString(file, text.replace(from, to));
        return file;
    }

    private static int lineOf(Path file, String text) throws IOException {
        var lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    @Test
    void unknownEnumTargetNamesFileLineAndKey() throws IOException {
        Path file = withHostawayEdited("\"1\": Guest, \"0\": Owner", "\"1\": Visitor, \"0\": Owner");
        assertThatThrownBy(() -> SourceDefinition.load(file))
                .isInstanceOf(YamlFileException.class)
                .hasMessageContaining(file + ":" + lineOf(file, "Visitor") + ":")
                .hasMessageContaining("mapping.message.senderType.values.1")
                .hasMessageContaining("'Visitor' is not a messages.senderType value");
    }

    /** Found by the fuzzer: a send without body was a NullPointerException. */
    @Test
    void aSendWithoutBodyNamesTheSendSection() throws IOException {
        Path file = withHostawayEdited("    body: { body: \"${body}\", communicationType: \"${type}\" }\n", "");
        assertThatThrownBy(() -> SourceDefinition.load(file))
                .isInstanceOf(YamlFileException.class)
                .hasMessageContaining(file + ":" + lineOf(file, "  send:") + ":")
                .hasMessageContaining("api.send needs a body");
    }

    @Test
    void typoInAKeyIsRejectedNotIgnored() throws IOException {
        Path file = withHostawayEdited("    reservationId: /reservationId", "    reservationID: /reservationId");
        assertThatThrownBy(() -> SourceDefinition.load(file))
                .hasMessageContaining(":" + lineOf(file, "reservationID") + ":")
                .hasMessageContaining("key 'mapping.conversation.reservationID': unknown key");
    }

    @Test
    void badPathAndBadTimeFormatAreReported() throws IOException {
        Path file = withHostawayEdited("propertyId: /listingMapId", "propertyId: listingMapId");
        assertThatThrownBy(() -> SourceDefinition.load(file))
                .hasMessageContaining("mapping.conversation.propertyId")
                .hasMessageContaining("is not a path");
        Path file2 = withHostawayEdited("createdAt: { path: /insertedOn, as: time, format: \"yyyy-MM-dd HH:mm:ss\" }",
                "createdAt: { path: /insertedOn, as: time, format: \"yyyy-MM-dd HH:mm:ss qqqqqq\" }");
        assertThatThrownBy(() -> SourceDefinition.load(file2))
                .hasMessageContaining("mapping.message.createdAt.format");
    }

    @Test
    void brokenYamlNamesTheLine() throws IOException {
        Path file = withHostawayEdited("  list:\n", "  list: [\n");
        assertThatThrownBy(() -> SourceDefinition.load(file))
                .isInstanceOf(YamlFileException.class)
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void aRequiredFieldMustBeMapped() throws IOException {
        Path file = withHostawayEdited("    senderType: { path: /isIncoming, values: { \"1\": Guest, \"0\": Owner } }\n", "");
        assertThatThrownBy(() -> SourceDefinition.load(file))
                .hasMessageContaining("key 'mapping.message': 'senderType' must be mapped");
    }
}
