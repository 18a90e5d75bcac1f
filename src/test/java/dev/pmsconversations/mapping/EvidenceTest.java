package dev.pmsconversations.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pmsconversations.yaml.YamlDoc;
import dev.pmsconversations.yaml.YamlFileException;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * A source file's {@code mapping.evidence} (docs/mappings.md "Evidence"): one grade per mapped field with its citation;
 * a field it does not map, a grade that is not one of the three, a bare grade, or a field flagged {@code assumed: true}
 * but graded as proven are errors at its line; a field graded assumed counts as assumed in the coverage matrix.
 */
class EvidenceTest {
    private static final String MAPPING = """
            conversation:
              id: /id
              reservationId: /booking
              propertyId: { path: /listing, assumed: true }
            message:
              id: /id
              createdAt: { path: /at, as: time }
              senderType: { path: /from, values: { guest: Guest, host: Owner } }
              body: /text
            evidence:
            """;

    private static ConversationMapping compile(String evidence) {
        return MappingFactory.compile("test", YamlDoc.parse("test.yaml", MAPPING + evidence).node(), ZoneId.of("UTC"));
    }

    @Test
    void gradesAndCitationsAreReadPerField() {
        ConversationMapping m = compile("""
                  id: "documented: https://example.com/docs#conversation (GET /conversations example)"
                  reservationId: "observed: example/client tests/fixtures/conversation.json"
                  messages.body: "assumed: a documented message example with its text field"
                """);
        assertThat(m.evidence()).containsOnlyKeys("id", "reservationId", "messages.body");
        assertThat(m.evidence().get("id")).isEqualTo(new Evidence(Evidence.Grade.DOCUMENTED,
                "https://example.com/docs#conversation (GET /conversations example)"));
        assertThat(m.evidence().get("reservationId").grade()).isEqualTo(Evidence.Grade.OBSERVED);
        assertThat(m.coverage()).containsEntry("messages.body", "assumed").containsEntry("id", "mapped")
                .containsEntry("propertyId", "assumed");
    }

    @Test
    void wrongEntriesAreErrorsAtTheirLine() {
        assertThatThrownBy(() -> compile("  roomId: \"documented: https://example.com/docs#room\"\n"))
                .isInstanceOf(YamlFileException.class).hasMessageStartingWith("test.yaml:11: key 'evidence.roomId': 'roomId' is not a field this file maps");
        assertThatThrownBy(() -> compile("  id: \"confirmed: https://example.com/docs\"\n"))
                .hasMessageStartingWith("test.yaml:11: key 'evidence.id': \"documented: <the vendor's page>\"");
        assertThatThrownBy(() -> compile("  id: \"documented\"\n")).hasMessageContaining("key 'evidence.id'");
        assertThatThrownBy(() -> compile("  propertyId: \"documented: https://example.com/docs#listing\"\n"))
                .hasMessageContaining("'propertyId' is marked assumed: true in the mapping; drop the flag now that it is documented");
    }
}
