package dev.pmsconversations.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Native payloads shaped like the vendors' own published examples (issue "Fidelity to real PMS payloads", item 2):
 * each case maps a golden fixture built field for field on a vendor example and checks the fields the source file
 * used to get wrong. Every case names its evidence; docs/research/&lt;source&gt;.md has the rest.
 */
class VendorPayloadFidelityTest {
    private static final SourceRegistry SOURCES = SourceRegistry.load(Path.of("mappings"), false);

    private static JsonNode fixture(String source, String name) {
        return Fixtures.of(source).stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().nativeBundle();
    }

    private static JsonNode map(String source, JsonNode bundle) throws Exception {
        return Json.MAPPER.readTree(Json.OUTPUT.writeValueAsString(SOURCES.get(source).mapping().map(NativeBundle.fromJson(bundle))));
    }

    private static JsonNode message(JsonNode conversation, String id) {
        for (JsonNode m : conversation.get("messages")) {
            if (m.get("id").asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError("no message " + id);
    }

    // Hostfully: the docs' v3.2 GET /messages example (dev.hostfully.com, "Get messages"), as copied verbatim with its
    // "string" placeholders into a client (stored file id 6957990552): message {uid, createdUtcDateTime, status,
    // type: HOSTFULLY_PMP, senderType: SYSTEM, content {subject, text}, threadUid, attachments [{uid, uri, fileName,
    // contentType, type: IMAGE_JPEG}]}.
    @Test
    void hostfullyV32AttachmentsKeepTheirNameUrlAndMimeType() throws Exception {
        JsonNode c = map("hostfully", fixture("hostfully", "thread-9f3b2d41-6c8e-4a57-b0d2-7e1a5c9f8b36"));
        JsonNode a = message(c, "0b7e3c9a-2d5f-4e81-9a6c-3f1d8e2b7a40").get("attachments").get(0);
        assertThat(a.get("id").asText()).isEqualTo("6d1f4a8e-3b2c-4f97-8e05-a9c7b3d2e1f6");
        assertThat(a.get("name").asText()).isEqualTo("lamp.jpeg");
        assertThat(a.get("url").asText()).isEqualTo("https://files.hostfully.example/messages/6d1f4a8e-3b2c-4f97-8e05-a9c7b3d2e1f6/lamp.jpeg");
        assertThat(a.at("/type/extension").asText()).isEqualTo("jpeg");
        assertThat(a.at("/type/mimeType").asText()).isEqualTo("image/jpeg");
    }

    // Hostfully: the same docs example's system message (senderType SYSTEM, type HOSTFULLY_PMP); the message types of a
    // client's schema of GET /messages (stored file id 59380366022): HOSTFULLY_PMP, AIRBNB, VRBO, BOOKING_COM, EMAIL,
    // SMS, WHATSAPP.
    @Test
    void hostfullySystemMessagesAreLogEntriesOfHostfullysOwnInbox() throws Exception {
        JsonNode m = message(map("hostfully", fixture("hostfully", "thread-9f3b2d41-6c8e-4a57-b0d2-7e1a5c9f8b36")),
                "3e8b1d6c-9a2f-4c75-b4e0-7f6a2c9d1b83");
        assertThat(m.get("senderType").asText()).isEqualTo("Log");
        assertThat(m.get("type").asText()).as("HOSTFULLY_PMP is no OTA inbox").isEqualTo("UNKNOWN");
        assertThat(m.get("subject").asText()).isEqualTo("Booking confirmed");
    }

    // Hostfully: DIRECT_MESSAGE is not among the message types above; it is the send call's value for "a DIRECT_MESSAGE
    // on the booking channel (Airbnb, VRBO or Booking.com leads only)" (POST /messages, e.g.
    // https://glama.ai/mcp/connectors/io.usefulapi/hostfully/tools/hostfully_send_message). Where it shows up on a
    // message it names the OTA's inbox.
    @Test
    void hostfullyDirectMessageIsTheOtaChannel() throws Exception {
        ObjectNode bundle = (ObjectNode) fixture("hostfully", "thread-9f3b2d41-6c8e-4a57-b0d2-7e1a5c9f8b36").deepCopy();
        ((ObjectNode) bundle.get("messages").get(1)).put("type", "DIRECT_MESSAGE");
        assertThat(message(map("hostfully", bundle), "5a9c2e7b-1f4d-4b38-8c6e-2d7f9a1b3c52").get("type").asText()).isEqualTo("CHANNEL");
    }

    // Hostex: the docs' Query conversations item carries last_message_at, "ISO 8601, time of the last message"
    // (https://hostex-openapi.readme.io/reference/messages, summarised in /work/shared/reference/pms/hostex.md; read by
    // keithah/hostex-python docs/examples.md @396af7e4 and keithah/hostex-ts src/types.ts @95347527).
    @Test
    void hostexLastMessageAtIsTheConversationsUpdatedAt() throws Exception {
        JsonNode bundle = fixture("hostex", "conversation-5e6f7a8b9c0d");
        assertThat(map("hostex", bundle).get("updatedAt").asText()).isEqualTo("2025-09-14T08:42:08Z");

        // read through GET /conversations/{id} (a webhook): the detail has no last_message_at, but its messages,
        // newest first; the first one's time is the same
        ObjectNode detail = (ObjectNode) bundle.at("/related/detail").deepCopy();
        detail.set("messages", bundle.get("messages"));
        ObjectNode viaGet = Json.MAPPER.createObjectNode();
        viaGet.set("conversation", detail);
        viaGet.set("messages", bundle.get("messages"));
        viaGet.set("related", bundle.get("related"));
        assertThat(map("hostex", viaGet).get("updatedAt").asText()).isEqualTo("2025-09-14T08:42:08Z");
    }

    // Hostex: every channel value of the docs' "Supported Channels" list (restated by keithah/hostex-python
    // docs/API.md @396af7e4; booking.com is also in its tests/conftest.py). OTAs and booking platforms carry the
    // message in their own inbox; hostex_direct and booking_site are Hostex's own direct bookings (no OTA inbox).
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"airbnb, CHANNEL", "booking.com, CHANNEL", "agoda, CHANNEL", "expedia, CHANNEL", "vrbo, CHANNEL",
            "trip.com, CHANNEL", "booking_site, UNKNOWN", "tujia_intl, CHANNEL", "hostex_direct, UNKNOWN", "tujia, CHANNEL",
            "xiaozhu, CHANNEL", "meituan_bnb, CHANNEL", "meituan_hotel, CHANNEL", "muniao, CHANNEL", "fliggy, CHANNEL",
            "zhukeyun, CHANNEL", "tiktok, CHANNEL", "xiaohongshu, CHANNEL", "ctrip, CHANNEL", "houfy, CHANNEL"})
    void hostexEveryDocumentedChannelValueIsKnown(String channel, String type) throws Exception {
        ObjectNode bundle = (ObjectNode) fixture("hostex", "conversation-5e6f7a8b9c0d").deepCopy();
        ((ObjectNode) bundle.get("conversation")).put("channel_type", channel);
        ((ObjectNode) bundle.at("/related/detail")).put("channel_type", channel);
        JsonNode c = map("hostex", bundle);
        assertThat(c.get("messages")).allSatisfy(m -> assertThat(m.get("type").asText()).isEqualTo(type));
    }

    // Hostify: GET /inbox/<ID> messages carry `image` (string or null) beside `message`, as a client reading the live
    // API types them (denizlg24/alojamentoideal @e50a3ac7, app/api/sync/hostify/route.ts: id, target_id, message,
    // notes, created, image, guest_name, guest_thumb, is_sms, is_automatic, pinned, avatar, guest_id); an image sent
    // by the guest has an empty `message`. The docs document image replies (go.hostify.com/docs #reply-image).
    @Test
    void hostifyAnImageMessageIsAnAttachment() throws Exception {
        JsonNode c = map("hostify", fixture("hostify", "thread-5679"));
        JsonNode image = message(c, "1234573");
        assertThat(image.get("body").isNull()).isTrue();
        assertThat(image.get("senderType").asText()).isEqualTo("Guest");
        assertThat(image.get("attachments")).hasSize(1);
        assertThat(image.at("/attachments/0/url").asText()).isEqualTo("https://static.hostify.com/inbox/5679/IMG_2031.jpg");
        assertThat(message(c, "1234572").get("attachments")).as("image null: no attachment").isEmpty();
    }

    // Beds24: apiV2.yaml's message description (LionLai/beds24V2-SDK @2bed0262 src/generated/beds24.ts): "messages from
    // the guest to the host 'source: guest', messages from the host to the guest 'source: host', messages from a us,
    // the API or a third party OTA to the host 'source: system', and internal notes from the host 'source:
    // internalNotes'". Only guest and host messages go through the booking's channel.
    @Test
    void beds24InternalNotesAndSystemMessagesDoNotGoThroughTheOtaInbox() throws Exception {
        JsonNode c = map("beds24", fixture("beds24", "booking-30612346"));
        // no channel at all: null (the spec's missing-value rule), not UNKNOWN (an unrecognised channel)
        assertThat(message(c, "123456803").get("type").isNull()).as("internalNote: " + message(c, "123456803").get("type")).isTrue();
        assertThat(message(c, "123456801").get("type").isNull()).as("system: " + message(c, "123456801").get("type")).isTrue();
        assertThat(message(c, "123456802").get("type").asText()).as("guest, Booking.com booking").isEqualTo("CHANNEL");
        assertThat(message(c, "123456804").get("type").asText()).as("host, Booking.com booking").isEqualTo("CHANNEL");
    }

    // BookingSync: inbox_conversations "subject | String | Conversation's subject (for email-based Conversations)"
    // (BookingSync/bookingsync-api-docs @8ea9ec8e content/reference/endpoints/inbox_conversations.md); messages have no
    // subject attribute (inbox_messages.md).
    @Test
    void bookingSyncAnEmailConversationsSubjectIsItsMessagesSubject() throws Exception {
        JsonNode c = map("bookingsync", fixture("bookingsync", "conversation-9"));
        assertThat(c.get("messages")).hasSize(3).allSatisfy(m -> {
            assertThat(m.get("type").asText()).isEqualTo("EMAIL");
            assertThat(m.get("subject").asText()).isEqualTo("Question about parking");
        });
    }

    // BookingSync: a message links its attachments by id (links.attachments, inbox_messages.md); the details come from
    // GET /inbox/attachments/<ids>. When they are not loaded, the message should still list the attachment by id.
    // mappings/bookingsync.yaml: attachments.path /links/attachments with details from ^/@attachments/attachments.
    @Test
    void bookingSyncAnAttachmentWhoseDetailsAreNotLoadedKeepsItsId() throws Exception {
        ObjectNode bundle = (ObjectNode) fixture("bookingsync", "conversation-7").deepCopy();
        ((ObjectNode) bundle.get("related")).remove("attachments");
        JsonNode m = message(map("bookingsync", bundle), "5");
        assertThat(m.get("attachments")).hasSize(1);
        assertThat(m.at("/attachments/0/id").asText()).isEqualTo("1");
        assertThat(m.at("/attachments/0/name").isNull()).as("no details read").isTrue();
    }

    // BookingSync's own attachments example (api_calls/reference/attachments/inbox_read-inbox_write-scope-response.json)
    // has links.messages []: the message's links.attachments is what joins them.
    @Test
    void bookingSyncAnAttachmentIsJoinedByTheIdsItsMessageLinks() throws Exception {
        ObjectNode bundle = (ObjectNode) fixture("bookingsync", "conversation-7").deepCopy();
        ((ObjectNode) bundle.at("/related/attachments/attachments/0/links")).putArray("messages");
        JsonNode m = message(map("bookingsync", bundle), "5");
        assertThat(m.get("attachments")).hasSize(1);
        assertThat(m.at("/attachments/0/name").asText()).isEqualTo("example.jpg");
        assertThat(m.at("/attachments/0/url").asText()).isEqualTo("/path/to/image/example");
        assertThat(message(map("bookingsync", bundle), "6").get("attachments")).isEmpty();
    }

    // Your.Rentals: the developers blog's booking post writes times as "yyyy-MM-dd HH:mm:ss" (no zone); the file's ISO
    // times are a guess (mappings/yourrentals.yaml). Both must read, the zoneless one in the file's timeZone (UTC).
    @Test
    void yourRentalsTimesWithoutZoneReadAsUtc() throws Exception {
        ObjectNode bundle = (ObjectNode) fixture("yourrentals", "conversation-81234").deepCopy();
        ObjectNode first = (ObjectNode) bundle.at("/messages/0");
        first.put("createdAt", "2025-01-10 10:05:00");
        JsonNode m = message(map("yourrentals", bundle), first.get("id").asText());
        assertThat(m.get("createdAt").asText()).isEqualTo("2025-01-10T10:05:00Z");
    }

    // Resly: threads list item "timestampUpdated: ISO 8601 timestamp indicating when the thread was last updated"
    // (https://docs.resly.com.au/reference/field-reference-14).
    @Test
    void reslyTimestampUpdatedIsTheConversationsUpdatedAt() throws Exception {
        assertThat(map("resly", fixture("resly", "thread-airbnb")).get("updatedAt").asText()).isEqualTo("2024-11-11T09:05:12Z");
    }
}
