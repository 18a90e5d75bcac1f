package dev.pmsconversations.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.ConversationEvent;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.model.Message;
import dev.pmsconversations.sync.EventFormat;
import dev.pmsconversations.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first attempt after a poll delivers the event it has in memory; a retry (the drain) delivers the event read back
 * from the row's stored JSON. A sink must not be able to tell them apart: for every golden fixture the event that
 * comes back from the stored JSON equals the one that went in, and every payload a sink writes is the same text.
 */
class QueuedEventRoundTripTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pmsconversations.testing.Fixtures#all")
    void theStoredEventReadsBackEqual(Fixtures.Fixture fixture) throws Exception {
        Conversation conversation = fixture.mapped();
        List<String> someNew = conversation.messages().stream().limit(1).map(Message::id).toList();
        ConversationEvent inMemory = new ConversationEvent("evt_0123456789abcdef0123456789abcdef", ConversationEvent.UPDATED,
                fixture.source(), "acct-1", "2026-11-30T12:00:00Z", someNew, conversation);

        // what DeliveryService.queue stores, and what a retry reads back
        ConversationEvent stored = Json.MAPPER.readValue(Json.OUTPUT_WITH_DEPRECATED.writeValueAsString(inMemory), ConversationEvent.class);

        assertThat(stored).isEqualTo(inMemory);
        for (boolean deprecated : new boolean[] {false, true}) {
            EventFormat format = new EventFormat(deprecated);
            assertThat(format.event(stored)).isEqualTo(format.event(inMemory));
            assertThat(format.conversation(stored)).isEqualTo(format.conversation(inMemory));
        }
        assertThat(Json.OUTPUT.writeValueAsString(stored)).isEqualTo(Json.OUTPUT.writeValueAsString(inMemory));
    }
}
