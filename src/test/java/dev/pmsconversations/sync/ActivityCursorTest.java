package dev.pmsconversations.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * Beds24's activity cursor (the newest message time seen, to the second) against a second message written later in
 * the same second as the first. Runs on the real clock: the simulated activity call lists the messages of the last
 * day as of now, as Beds24's maxAge does.
 */
class ActivityCursorTest extends RuntimeTestSupport {
    @Override
    protected Clock clock() {
        return Clock.systemUTC();
    }

    @Test
    void aSecondMessageInTheSecondOfAPollIsListedByTheNextPoll() {
        awaitFirstPolls(); // a full poll: the next ones ask the activity call
        String account = "beds24-1";
        String thread = fixtureThread("beds24");
        Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS); // this second: the poll comes within 5 s of it
        JsonNode first = sim.addMessage("beds24", account, thread, "Arriving at 6pm", true, second.plusMillis(100));
        poll(account);
        JsonNode later = sim.addMessage("beds24", account, thread, "Make that 7pm", true, second.plusMillis(600));
        poll(account);
        String idField = sim.source("beds24").idField();
        assertThat(newMessageIds(account)).contains(first.get(idField).asText(), later.get(idField).asText());
    }
}
