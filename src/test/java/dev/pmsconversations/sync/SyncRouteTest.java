package dev.pmsconversations.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.simulator.SimFault;
import dev.pmsconversations.store.DeadLetter;
import dev.pmsconversations.testing.Fixtures;
import dev.pmsconversations.testing.Schemas;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.io.IOException;
import java.time.Instant;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The real routes from routes/, over real HTTP against the simulator serving the golden fixtures:
 * full sync = fixtures, an added message is delivered once, a quiet poll delivers nothing, and bad
 * input is dead-lettered with source, account and field while the rest of the sync goes on.
 */
class SyncRouteTest extends RuntimeTestSupport {

    @Test
    void fullSyncDeliversTheGoldenFixtures() throws IOException {
        awaitFirstPolls();
        for (String source : SOURCES) {
            for (Fixtures.Fixture f : Fixtures.of(source)) {
                JsonNode expected = f.expected();
                Path file = outDir().resolve("conversations").resolve(source).resolve(source + "-1")
                        .resolve(expected.get("id").asText() + ".json");
                assertThat(file).as(f.toString()).exists();
                JsonNode delivered = Fixtures.read(file);
                assertThat(delivered).as(f.toString()).isEqualTo(expected);
                assertThat(Schemas.conversationProblems(delivered)).isEmpty();
            }
            List<JsonNode> events = events(source + "-1");
            assertThat(events).hasSize(Fixtures.of(source).size());
            assertThat(events).allSatisfy(e -> {
                assertThat(e.get("type").asText()).isEqualTo("conversation.created");
                assertThat(e.get("source").asText()).isEqualTo(source);
                assertThat(e.get("id").asText()).startsWith("evt_");
                assertThat(Schemas.eventProblems(e)).as("docs/schema/event.schema.json").isEmpty();
            });
        }
    }

    @Test
    void anAddedMessageIsDeliveredOnceAndAQuietPollDeliversNothing() throws IOException {
        awaitFirstPolls();
        for (String source : SOURCES) {
            String account = source + "-1";
            String thread = sim.threadIds(source, account).get(0);
            JsonNode added = sim.addMessage(source, account, thread, "Is late check-out possible?", true);
            poll(account);
            List<JsonNode> events = events(account);
            JsonNode last = events.get(events.size() - 1);
            assertThat(last.get("type").asText()).as(source).isEqualTo("conversation.updated");
            assertThat(last.get("newMessageIds")).as(source).hasSize(1);
            JsonNode newest = last.get("data").get("messages").get(0);
            assertThat(newest.get("body").asText()).isEqualTo("Is late check-out possible?");
            assertThat(newest.get("senderType").asText()).isEqualTo("Guest");
            assertThat(last.get("newMessageIds").get(0).asText()).isEqualTo(newest.get("id").asText());
            assertThat(added.toString()).contains(newest.get("id").asText());

            assertThat(events).allSatisfy(e -> assertThat(Schemas.eventProblems(e)).as(source + ": docs/schema/event.schema.json").isEmpty());

            int before = events.size();
            sim.clearRequests();
            poll(account);
            assertThat(events(account)).as(source + ": a quiet poll delivers nothing").hasSize(before);
            // exactly the fewest: fewer would mean the poll did not look (a poll that asks nothing learns nothing).
            // The added message is settled (written at the simulator's now, months from the runtime's pinned clock),
            // so the documented re-read of a thread within 5 s of its newest message does not apply
            assertThat(sim.requests(source, account)).as(source + ": requests of a quiet poll").hasSize(quietPollRequests(source));
        }
    }

    /**
     * Two guest messages in the same second, a poll between them. Hostaway's marker (its message times, to the
     * second) does not move with the second one: the first poll stores it unsettled and the next reads again.
     * Beds24's activity cursor (the newest message time seen) would not count the second one as newer: the
     * first poll keeps the cursor a second early. BookingSync's updated_since is asked a second early.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hostaway", "bookingsync"})
    void aSecondMessageInTheSecondOfAPollIsReadByTheNextPoll(String source) {
        awaitFirstPolls();
        String account = source + "-1";
        String thread = fixtureThread(source);
        Instant now = Instant.parse("2026-08-20T08:00:00Z"); // the runtime's clock in these tests
        JsonNode first = sim.addMessage(source, account, thread, "Arriving at 6pm", true, now.minusMillis(900));
        poll(account);
        JsonNode second = sim.addMessage(source, account, thread, "Make that 7pm", true, now.minusMillis(400));
        poll(account);
        String idField = sim.source(source).idField();
        assertThat(newMessageIds(account)).contains(first.get(idField).asText(), second.get(idField).asText());
        // reading an unsettled thread again delivers nothing twice
        int before = events(account).size();
        poll(account);
        assertThat(events(account)).hasSize(before);
    }

    /** resync: every conversation is read again, nothing already delivered is delivered again. */
    @Test
    void aResyncReadsEverythingAgainAndDeliversNothingTwice() {
        awaitFirstPolls();
        for (String source : SOURCES) {
            String account = source + "-1";
            int before = events(account).size();
            pms.store().resync(account, null);
            sim.clearRequests();
            poll(account);
            assertThat(events(account)).as(source + ": nothing changed, nothing delivered").hasSize(before);
            assertThat(sim.requests(source, account).size()).as(source + ": the conversations were read again")
                    .isGreaterThanOrEqualTo(2); // at least the listing and one conversation's messages (a quiet poll is one request for most)
        }
    }

    /** The fewest requests each API allows for a poll with no change (see the mapping files' incremental notes). */
    private int quietPollRequests(String source) {
        return switch (source) {
            case "hostaway" -> 1;                                 // one list page; markers unchanged, no message calls
            case "guesty", "hostfully", "hostex", "yourrentals", "resly", "rentalwise" -> 1; // one page, newest activity first, stops at the cursor
            case "hostify", "fantasticstay" -> 1;                 // one inbox page; last_message unchanged, no thread reads
            case "beds24" -> 1;                                   // the last day's messages: none newer than the cursor
            case "bookingsync" -> 1;                              // conversations updated_since the newest seen: only that one, marker unchanged
            case "hospitable" -> 2;                               // the properties page + each property's reservations (markers unchanged)
            // no activity marker on the list: a window of bookings (one page here) + each one's messages
            default -> 1 + sim.threadIds(source, source + "-1").size();
        };
    }

    @Test
    void beds24ReadsOnlyTheBookingsWithNewMessagesAndListsTheWindowAgainAfterAPause() throws IOException {
        awaitFirstPolls();
        String account = "beds24-1";
        sim.clearRequests();
        sim.addMessage("beds24", account, fixtureThread("beds24"), "Are towels provided?", true);
        poll(account);
        // the last day's messages, then the one booking with news and its messages
        assertThat(sim.requests("beds24", account)).extracting(dev.pmsconversations.simulator.SimRequest::path)
                .containsExactly("/v2/bookings/messages", "/v2/bookings", "/v2/bookings/messages");
        assertThat(sim.requests("beds24", account).get(0).query()).containsEntry("maxAge", "1");
        List<JsonNode> events = events(account);
        assertThat(events.get(events.size() - 1).at("/data/messages/0/body").asText()).isEqualTo("Are towels provided?");
        // the last poll was longer ago than the activity call sees: the window of bookings is listed again
        String cursor = pms.store().cursor(account).orElseThrow();
        pms.store().saveCursor(account, cursor.substring(0, cursor.indexOf('|')) + "|2026-08-10T00:00:00Z");
        sim.clearRequests();
        poll(account);
        assertThat(sim.requests("beds24", account).get(0).path()).isEqualTo("/v2/bookings");
        assertThat(sim.requests("beds24", account).get(0).query()).containsEntry("departureFrom", "2026-07-21");
        assertThat(events(account)).hasSize(events.size());
    }

    /**
     * A value the mapping does not know (docs/mappings.md#tolerance) costs the guest's message nothing: it is delivered
     * with the field null (the drift is reported), nothing is dead-lettered, and the rest of the sync goes on. A missing
     * conversation id still rejects the thread (aListedThreadWithoutIdIsDeadLetteredWithTheField).
     */
    @Test
    void anUnknownValueIsDeliveredAsNullAndTheRestOfTheSyncGoesOn() throws IOException {
        awaitFirstPolls();
        String account = "hostaway-1";
        List<String> threads = sim.threadIds("hostaway", account);
        var broken = sim.source("hostaway").account(account).thread(threads.get(0));
        sim.addMessage("hostaway", account, threads.get(0), "from a stranger", true);
        broken.messages.get(broken.messages.size() - 1).put("isIncoming", 7);
        sim.inject("hostaway", SimFault.status("/conversations/zzz", 500), 1); // unrelated fault, must stay unused
        int before = events(account).size();
        poll(account);
        assertThat(pms.store().deadLetters(account)).isEmpty();
        assertThat(events(account)).hasSize(before + 1);
        JsonNode event = events(account).get(before);
        assertThat(event.get("newMessageIds")).hasSize(1);
        assertThat(event.at("/data/messages")).filteredOn(m -> m.path("body").asText().equals("from a stranger")).singleElement()
                .satisfies(m -> assertThat(m.get("senderType").isNull()).as("the unknown sender value, tolerated").isTrue());
        // and counted as drift, with the value the PMS sent
        assertThat(pms.sync().drift().seen(java.util.Set.of(account))).singleElement().satisfies(s -> {
            assertThat(s.key()).isEqualTo(new MappingDrift.Key("hostaway", account, "messages.senderType", "unknownValue"));
            assertThat(s.count()).isEqualTo(1);
            assertThat(s.lastValue()).isEqualTo("7");
        });
        poll(account);
        assertThat(events(account)).as("read once, delivered once").hasSize(before + 1);
        // the other accounts are untouched and keep syncing
        sim.addMessage("guesty", "guesty-1", sim.threadIds("guesty", "guesty-1").get(0), "still here", true);
        poll("guesty-1");
        assertThat(events("guesty-1").get(events("guesty-1").size() - 1).get("newMessageIds")).hasSize(1);
    }

    @Test
    void aMalformedPageIsDeadLetteredAndTheCursorDoesNotMove() throws IOException {
        awaitFirstPolls();
        sim.inject("guesty", SimFault.malformed("/communication/conversations"), 1);
        poll("guesty-1");
        List<DeadLetter> dead = pms.store().deadLetters("guesty-1");
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).reason()).contains("source 'guesty'", "account 'guesty-1'", "not valid JSON");
        // the next poll reads normally and delivers what was added meanwhile
        sim.addMessage("guesty", "guesty-1", sim.threadIds("guesty", "guesty-1").get(0), "after the glitch", true);
        poll("guesty-1");
        List<JsonNode> events = events("guesty-1");
        assertThat(events.get(events.size() - 1).get("data").get("messages").get(0).get("body").asText()).isEqualTo("after the glitch");
    }

    @Test
    void aListedThreadWithoutIdIsDeadLetteredWithTheField() {
        awaitFirstPolls();
        sim.inject("hostaway", SimFault.body("/v1/conversations",
                "{\"status\":\"success\",\"result\":[{\"listingMapId\":40160,\"reservationId\":7}],\"count\":1,\"limit\":100,\"offset\":0}"), 1);
        poll("hostaway-1");
        assertThat(pms.store().deadLetters("hostaway-1")).singleElement()
                .satisfies(d -> assertThat(d.reason()).contains("source 'hostaway'", "account 'hostaway-1'", "field 'id'"));
        assertThat(pms.sync().status().get("hostaway-1").errors()).isEqualTo(1);
    }

    @Test
    void aPmsAnswering500IsRetriedAndThenSucceeds() throws IOException {
        awaitFirstPolls();
        sim.inject("smoobu", SimFault.status("/reservations", 500), 2);
        sim.addMessage("smoobu", "smoobu-1", sim.threadIds("smoobu", "smoobu-1").get(0), "retry me", true);
        poll("smoobu-1");
        List<JsonNode> events = events("smoobu-1");
        assertThat(events.get(events.size() - 1).get("data").get("messages").get(0).get("body").asText()).isEqualTo("retry me");
        assertThat(pms.store().deadLetters("smoobu-1")).isEmpty();
    }
}
