package dev.pmsconversations.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.yaml.YamlDoc;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The spec's rules, each on a small hand-written mapping: ids, times, nulls, HTML, ordering, enums. */
class FieldRulesTest {
    private static final String MAPPING = """
            conversation:
              id: /id
              reservationId: /booking/id
              propertyId: /listing
              updatedAt: { path: /updated, as: time, format: "yyyy-MM-dd HH:mm:ss", zonePath: /tz }
              recipient:
                name: { join: [/first, /last] }
                email: /email
            message:
              id: /id
              createdAt: { path: /at, as: time }
              body: { paths: [/text, /html], as: text }
              senderType: { path: /from, values: { guest: Guest, host: Owner, system: Log } }
              type: { path: /channel, values: { mail: EMAIL }, else: UNKNOWN }
              isAutomatic: { path: /auto, as: bool }
            """;

    private static Conversation map(String json) throws Exception {
        ConversationMapping m = MappingFactory.compile("test", YamlDoc.parse("test.yaml", MAPPING).node(), ZoneId.of("UTC"));
        return m.map(NativeBundle.fromJson(Json.MAPPER.readTree(json)));
    }

    @Test
    void idsBecomeStringsAndLocalTimesUseTheRecordZone() throws Exception {
        Conversation c = map("""
                {"conversation": {"id": 12345, "booking": {"id": 987.0}, "listing": 55, "updated": "2025-01-13 23:37:53",
                  "tz": "Europe/Berlin", "first": "Ana", "last": "", "email": ""},
                 "messages": []}""");
        assertThat(c.id()).isEqualTo("12345");
        assertThat(c.reservationId()).isEqualTo("987");
        assertThat(c.propertyId()).isEqualTo("55");
        assertThat(c.updatedAt()).isEqualTo("2025-01-13T22:37:53Z");
        assertThat(c.recipient().name()).isEqualTo("Ana");
        assertThat(c.recipient().email()).as("empty string becomes null").isNull();
        assertThat(c.recipient().phone()).isNull();
    }

    @Test
    void messagesAreNewestFirstWithHtmlAsTextAndOffsetsResolved() throws Exception {
        Conversation c = map("""
                {"conversation": {"id": "c1", "booking": {"id": "r1"}},
                 "messages": [
                   {"id": 9, "at": "2025-01-13T10:00:00+02:00", "html": "<p>Hello<br>World &amp; co</p><p>Bye</p>", "from": "guest"},
                   {"id": 10, "at": "2025-01-13T08:00:00Z", "text": "same time\\r\\nas 9", "from": "host", "channel": "mail", "auto": 1},
                   {"id": 11, "at": "2025-01-13T09:30:00.250Z", "text": "later", "from": "system", "channel": "pigeon", "auto": "false"}
                 ]}""");
        assertThat(c.messages()).extracting(m -> m.id()).containsExactly("11", "10", "9");
        assertThat(c.messages().get(0).createdAt()).isEqualTo("2025-01-13T09:30:00.250Z");
        assertThat(c.messages().get(2).body()).isEqualTo("Hello\nWorld & co\nBye");
        assertThat(c.messages().get(1).body()).isEqualTo("same time\nas 9");
        assertThat(c.messages().get(0).type().name()).isEqualTo("UNKNOWN");
        assertThat(c.messages().get(1).type().name()).isEqualTo("EMAIL");
        assertThat(c.messages().get(2).type()).as("absent value stays null").isNull();
        assertThat(c.messages().get(1).isAutomatic()).isTrue();
        assertThat(c.messages().get(0).isAutomatic()).isFalse();
        assertThat(c.messages().get(0).senderType().name()).isEqualTo("Log");
    }

    /** An unknown sender is tolerated now (ToleranceTest); a thread without id is still rejected, naming the field. */
    @Test
    void missingConversationIdNamesTheField() {
        assertThatThrownBy(() -> map("""
                {"conversation": {"booking": {"id": "r1"}}, "messages": []}"""))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("source 'test'")
                .hasMessageContaining("field 'id': required value is missing");
    }

    @Test
    void deprecatedTypeIsHiddenUnlessAskedFor() throws Exception {
        Conversation c = new Conversation("1", null, "2", null, null, "AIRBNB", null, null, null, null);
        assertThat(Json.OUTPUT.writeValueAsString(c)).doesNotContain("AIRBNB").contains("\"messages\":[]");
        assertThat(Json.OUTPUT_WITH_DEPRECATED.writeValueAsString(c)).contains("\"type\":\"AIRBNB\"");
    }

    @Test
    void timeFormats() {
        assertThat(TimeFormat.of("epoch-seconds").parse("1736811473", ZoneId.of("UTC"))).isEqualTo(Instant.parse("2025-01-13T23:37:53Z"));
        assertThat(TimeFormat.of("iso").parse("2025-01-13T23:37:53", ZoneId.of("America/New_York"))).isEqualTo(Instant.parse("2025-01-14T04:37:53Z"));
        assertThat(TimeFormat.of("iso").parse("2025-01-13 23:37:53+0100", ZoneId.of("UTC"))).isEqualTo(Instant.parse("2025-01-13T22:37:53Z"));
    }
}
