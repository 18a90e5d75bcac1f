package dev.pmsconversations.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A source file's request made concrete: placeholders from the thread record, encoded paths, paging values in a body. */
class RequestTemplatesTest {
    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void placeholdersComeFromTheRecordAndAMissingOneMeansNoCall() throws Exception {
        JsonNode record = json("{\"booking\":{\"id\":42},\"@messages\":[{\"links\":{\"attachments\":[7,8]}},{\"links\":{\"attachments\":[9]}}]}");
        assertThat(RequestTemplates.placeholders("/bookings/{/booking/id}/messages/{id}", "c-1", record))
                .containsExactly(Map.entry("id", "c-1"), Map.entry("/booking/id", "42"));
        // every message's attachment ids, as one comma-separated list (BookingSync's attachments call)
        assertThat(RequestTemplates.placeholders("/attachments/{/@messages/*/links/attachments}", "c-1", record))
                .containsEntry("/@messages/*/links/attachments", "7,8,9");
        assertThat(RequestTemplates.placeholders("/leads/{/lead/uid}", "c-1", record)).as("no lead: the call is not made").isNull();
    }

    @Test
    void pathValuesAreEncodedQueryValuesAreFilledAsThey() {
        Map<String, String> params = Map.of("id", "a b/c");
        assertThat(RequestTemplates.expand("/threads/{id}/messages", params)).isEqualTo("/threads/a+b%2Fc/messages");
        assertThat(RequestTemplates.fill("thread:{id}", params)).isEqualTo("thread:a b/c");
    }

    @Test
    void pagingValuesGoIntoTheBodyNumbersAsNumbers() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("status", "open");
        RequestTemplates.setAt(body, "/paging/offset", "40");
        RequestTemplates.setAt(body, "cursor", "abc");
        assertThat(body.toString()).isEqualTo("{\"status\":\"open\",\"paging\":{\"offset\":40},\"cursor\":\"abc\"}");
    }
}
