package dev.pmsconversations.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pmsconversations.mapping.MappingReport.Drift;
import dev.pmsconversations.mapping.MappingReport.Issue;
import dev.pmsconversations.mapping.MappingReport.Kind;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Hashes;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.model.Message;
import dev.pmsconversations.yaml.YamlDoc;
import dev.pmsconversations.yaml.YamlFileException;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tolerance policy of docs/mappings.md ("Tolerance", "Derived message ids"), on a small hand-written mapping:
 * what is null, what is reported, what still rejects a thread, and the derived-id recipe.
 */
class ToleranceTest {
    private static final String MAPPING = """
            conversation:
              id: /id
              reservationId: /booking
              propertyId: /listing
              updatedAt: { path: /updated, as: time }
              recipient:
                email: /email
            message:
              id: /id
              createdAt: { path: /at, as: time }
              body: /text
              subject: /subject
              senderType: { path: /from, values: { guest: Guest, host: Owner } }
              type: { path: /channel, values: { mail: EMAIL } }
              status: { path: /state, values: { sent: SENT } }
              seenStatus: { path: /seen, values: { "1": SEEN, "0": UNSEEN } }
              isAutomatic: { path: /auto, as: bool }
            """;

    private static MappedConversation map(String mapping, String json) throws Exception {
        ConversationMapping m = MappingFactory.compile("test", YamlDoc.parse("test.yaml", mapping).node(), ZoneId.of("UTC"));
        return m.mapWithReport(NativeBundle.fromJson(Json.MAPPER.readTree(json)));
    }

    /** The recipe of docs/mappings.md, written out again here (not calling the engine's code). */
    private static String derivedId(String conversationId, String senderType, String createdAt, String body) {
        return "d-" + Hashes.sha256("test\u0000" + conversationId + "\u0000" + senderType + "\u0000" + createdAt + "\u0000" + body)
                .substring(0, 16);
    }

    @Test
    void onlyTheConversationIdIsNeeded() throws Exception {
        MappedConversation mapped = map(MAPPING, """
                {"conversation": {"id": "c1"}, "messages": [{"id": 7}]}""");
        Conversation c = mapped.conversation();
        assertThat(c.id()).isEqualTo("c1");
        assertThat(c.reservationId()).isNull();
        assertThat(c.propertyId()).isNull();
        Message m = c.messages().get(0);
        assertThat(m.id()).isEqualTo("7");
        assertThat(m.createdAt()).isNull();
        assertThat(m.body()).isNull();
        assertThat(m.senderType()).isNull();
        // reported: the fields the model expects a value for; not the optional ones (email, subject, type...)
        assertThat(mapped.report().issues()).extracting(Issue::field, Issue::kind, Issue::at).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("reservationId", Kind.MISSING, null),
                org.assertj.core.groups.Tuple.tuple("propertyId", Kind.MISSING, null),
                org.assertj.core.groups.Tuple.tuple("messages.createdAt", Kind.MISSING, "message[id=7]"),
                org.assertj.core.groups.Tuple.tuple("messages.body", Kind.MISSING, "message[id=7]"),
                org.assertj.core.groups.Tuple.tuple("messages.senderType", Kind.MISSING, "message[id=7]"));
        assertThat(mapped.report().source()).isEqualTo("test");
    }

    @Test
    void aCompleteThreadHasAnEmptyReport() throws Exception {
        MappedConversation mapped = map(MAPPING, """
                {"conversation": {"id": "c1", "booking": "r1", "listing": "p1"},
                 "messages": [{"id": 7, "at": "2025-01-13T08:00:00Z", "text": "hi", "from": "guest"}]}""");
        assertThat(mapped.report().isEmpty()).as(mapped.report().toString()).isTrue();
    }

    @Test
    void aMissingConversationIdStillRejectsTheThread() {
        assertThatThrownBy(() -> map(MAPPING, """
                {"conversation": {"booking": "r1"}, "messages": [{"id": 7}]}"""))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("field 'id': required value is missing");
    }

    @Test
    void unreadableValuesBecomeNullWithTheRawValue() throws Exception {
        MappedConversation mapped = map(MAPPING, """
                {"conversation": {"id": "c1", "booking": "r1", "listing": "p1", "updated": "last tuesday"},
                 "messages": [{"id": 7, "at": "13/01/2025", "text": "hi", "from": "guest", "auto": "maybe"}]}""");
        assertThat(mapped.conversation().updatedAt()).isNull();
        Message m = mapped.conversation().messages().get(0);
        assertThat(m.createdAt()).isNull();
        assertThat(m.isAutomatic()).isNull();
        assertThat(mapped.report().issues()).extracting(Issue::field, Issue::kind, Issue::raw).containsExactly(
                org.assertj.core.groups.Tuple.tuple("updatedAt", Kind.UNREADABLE, "last tuesday"),
                org.assertj.core.groups.Tuple.tuple("messages.createdAt", Kind.UNREADABLE, "13/01/2025"),
                org.assertj.core.groups.Tuple.tuple("messages.isAutomatic", Kind.UNREADABLE, "maybe"));
    }

    /** The spec: type and seenStatus are UNKNOWN for an unrecognised value; status and senderType have no such value: null. */
    @Test
    void unknownValuesTakeTheFieldsFallbackAndAreReported() throws Exception {
        MappedConversation mapped = map(MAPPING, """
                {"conversation": {"id": "c1", "booking": "r1", "listing": "p1"},
                 "messages": [{"id": 7, "at": "2025-01-13T08:00:00Z", "text": "hi", "from": "robot", "channel": "pigeon",
                               "state": "bounced", "seen": "2"}]}""");
        Message m = mapped.conversation().messages().get(0);
        assertThat(m.senderType()).isNull();
        assertThat(m.type().name()).isEqualTo("UNKNOWN");
        assertThat(m.status()).isNull();
        assertThat(m.seenStatus().name()).isEqualTo("UNKNOWN");
        assertThat(mapped.report().issues()).extracting(Issue::field, Issue::kind, Issue::raw).containsExactly(
                org.assertj.core.groups.Tuple.tuple("messages.senderType", Kind.UNKNOWN_VALUE, "robot"),
                org.assertj.core.groups.Tuple.tuple("messages.type", Kind.UNKNOWN_VALUE, "pigeon"),
                org.assertj.core.groups.Tuple.tuple("messages.status", Kind.UNKNOWN_VALUE, "bounced"),
                org.assertj.core.groups.Tuple.tuple("messages.seenStatus", Kind.UNKNOWN_VALUE, "2"));
        assertThat(mapped.report().issues().get(0).toString())
                .isEqualTo("messages.senderType: unknownValue 'robot' at message[id=7] (unknown value 'robot' at native [/from];"
                        + " known: [guest, host]; mapped to null)");
    }

    /** else: UNKNOWN / null is "not recognised" (reported, spec); else to a real value is the file's catch-all (not reported). */
    @Test
    void anElseToUnknownIsReportedAndACatchAllIsNot() throws Exception {
        String bundle = """
                {"conversation": {"id": "c1", "booking": "r1", "listing": "p1"},
                 "messages": [{"id": 7, "at": "2025-01-13T08:00:00Z", "text": "hi", "from": "host", "channel": "pigeon"}]}""";
        MappedConversation unknown = map(MAPPING.replace("values: { mail: EMAIL } }", "values: { mail: EMAIL }, else: UNKNOWN }"), bundle);
        assertThat(unknown.conversation().messages().get(0).type().name()).isEqualTo("UNKNOWN");
        assertThat(unknown.report().issues()).extracting(Issue::field, Issue::kind, Issue::raw)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("messages.type", Kind.UNKNOWN_VALUE, "pigeon"));
        MappedConversation asNull = map(MAPPING.replace("values: { mail: EMAIL } }", "values: { mail: EMAIL }, else: null }"), bundle);
        assertThat(asNull.conversation().messages().get(0).type()).isNull();
        assertThat(asNull.report().issues()).extracting(Issue::raw).containsExactly("pigeon");
        MappedConversation catchAll = map(MAPPING.replace("values: { mail: EMAIL } }", "values: { mail: EMAIL }, else: CHANNEL }"), bundle);
        assertThat(catchAll.conversation().messages().get(0).type().name()).isEqualTo("CHANNEL");
        assertThat(catchAll.report().isEmpty()).as(catchAll.report().toString()).isTrue();
    }

    @Test
    void strictFieldsStillRejectTheThread() {
        String strictSender = MAPPING.replace("values: { guest: Guest, host: Owner } }", "values: { guest: Guest, host: Owner }, onUnknown: error }");
        assertThatThrownBy(() -> map(strictSender, """
                {"conversation": {"id": "c1"}, "messages": [{"id": 1, "at": "2025-01-13T08:00:00Z", "from": "robot"}]}"""))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("field 'conversation[id=c1].message[id=1].messages.senderType'")
                .hasMessageContaining("unknown value 'robot'");
        String requiredTime = MAPPING.replace("createdAt: { path: /at, as: time }", "createdAt: { path: /at, as: time, required: true }");
        assertThatThrownBy(() -> map(requiredTime, """
                {"conversation": {"id": "c1"}, "messages": [{"id": 1}]}"""))
                .hasMessageContaining("field 'conversation[id=c1].message[id=1].messages.createdAt': required value is missing");
        assertThatThrownBy(() -> map(requiredTime, """
                {"conversation": {"id": "c1"}, "messages": [{"id": 1, "at": "soon"}]}"""))
                .hasMessageContaining("messages.createdAt")
                .hasMessageContaining("soon");
        // a required message id: no id to name the message by, so its position in the API's answer
        String requiredId = MAPPING.replace("  id: /id\n  createdAt", "  id: { path: /id, required: true }\n  createdAt");
        assertThatThrownBy(() -> map(requiredId, """
                {"conversation": {"id": "c1"}, "messages": [{"id": 1}, {"text": "no id"}]}"""))
                .hasMessageContaining("field 'conversation[id=c1].message[#2].messages.id': required value is missing");
        // onUnknown: error keeps an unknown value an error, but a missing one is still tolerated
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> map(strictSender, """
                {"conversation": {"id": "c1"}, "messages": [{"id": 1}]}"""))).isNull();
    }

    @Test
    void strictnessKeysAreCheckedWhenTheFileLoads() {
        assertThatThrownBy(() -> map(MAPPING.replace("values: { mail: EMAIL } }", "values: { mail: EMAIL }, else: UNKNOWN, onUnknown: error }"), "{}"))
                .isInstanceOf(YamlFileException.class).hasMessageContaining("key 'message.type.onUnknown'")
                .hasMessageContaining("beside 'else'");
        assertThatThrownBy(() -> map(MAPPING.replace("body: /text", "body: { path: /text, onUnknown: error }"), "{}"))
                .isInstanceOf(YamlFileException.class).hasMessageContaining("key 'message.body.onUnknown'");
        assertThatThrownBy(() -> map(MAPPING.replace("body: /text", "body: { firstOf: [ { path: /text, required: true }, { path: /html } ] }"), "{}"))
                .isInstanceOf(YamlFileException.class).hasMessageContaining("beside firstOf");
        assertThatThrownBy(() -> map(MAPPING.replace("values: { mail: EMAIL } }", "values: { mail: EMAIL }, onUnknown: ignore }"), "{}"))
                .isInstanceOf(YamlFileException.class).hasMessageContaining("'ignore'");
    }

    @Test
    void aMessageWithoutIdGetsTheDocumentedDerivedId() throws Exception {
        String bundle = """
                {"conversation": {"id": "c1", "booking": "r1", "listing": "p1"},
                 "messages": [
                   {"at": "2025-01-13T08:00:00Z", "text": "Can we check in early?", "from": "guest"},
                   {"at": "2025-01-13T08:05:00Z", "text": "Yes, from 1pm.", "from": "host"},
                   {"text": "ok", "from": "guest"},
                   {"text": "ok", "from": "guest"}
                 ]}""";
        MappedConversation first = map(MAPPING, bundle);
        MappedConversation again = map(MAPPING, bundle);
        assertThat(first.conversation().messages()).extracting(Message::id)
                .containsExactlyElementsOf(again.conversation().messages().stream().map(Message::id).toList());
        String early = derivedId("c1", "Guest", "2025-01-13T08:00:00Z", "Can we check in early?");
        String reply = derivedId("c1", "Owner", "2025-01-13T08:05:00Z", "Yes, from 1pm.");
        String ok = derivedId("c1", "Guest", "", "ok");
        // newest first; the two messages without a time after them, in the API's order; the second identical one numbered
        assertThat(first.conversation().messages()).extracting(Message::id).containsExactly(reply, early, ok, ok + "-2");
        assertThat(early).isNotEqualTo(reply).matches("d-[0-9a-f]{16}");
        assertThat(first.report().counts()).containsEntry(new Drift("messages.id", Kind.MISSING), 4)
                .containsEntry(new Drift("messages.createdAt", Kind.MISSING), 2);
        assertThat(first.report().issues()).filteredOn(i -> i.field().equals("messages.id")).extracting(Issue::at)
                .containsExactly("message[id=" + early + "]", "message[id=" + reply + "]", "message[id=" + ok + "]",
                        "message[id=" + ok + "-2]");
    }

    @Test
    void messagesWithoutTimeFollowTheTimedOnesInTheApisOrder() throws Exception {
        Conversation c = map(MAPPING, """
                {"conversation": {"id": "c1"},
                 "messages": [
                   {"id": 5, "text": "first untimed"},
                   {"id": 1, "at": "2025-01-13T08:00:00Z"},
                   {"id": 3, "text": "second untimed"},
                   {"id": 2, "at": "2025-01-13T09:00:00Z"},
                   {"id": 4, "at": "not a time"}
                 ]}""").conversation();
        assertThat(c.messages()).extracting(Message::id).containsExactly("2", "1", "5", "3", "4");
    }

    @Test
    void firstOfReportsTheLastItemsUnknownValueOnly() throws Exception {
        String mapping = MAPPING.replace("senderType: { path: /from, values: { guest: Guest, host: Owner } }", """
                senderType:
                    firstOf:
                      - { path: /kind, values: { note: Log } }
                      - { path: /from, values: { guest: Guest, host: Owner } }""");
        MappedConversation mapped = map(mapping, """
                {"conversation": {"id": "c1", "booking": "r1", "listing": "p1"},
                 "messages": [{"id": 1, "at": "2025-01-13T08:00:00Z", "text": "x", "kind": "email", "from": "guest"},
                              {"id": 2, "at": "2025-01-13T08:00:00Z", "text": "x", "kind": "email", "from": "robot"}]}""");
        assertThat(mapped.conversation().messages()).extracting(m -> String.valueOf(m.senderType())).containsExactly("null", "Guest");
        assertThat(mapped.report().issues()).extracting(Issue::field, Issue::raw, Issue::at)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("messages.senderType", "robot", "message[id=2]"));
        assertThat(Map.copyOf(mapped.report().counts())).hasSize(1);
    }
}
