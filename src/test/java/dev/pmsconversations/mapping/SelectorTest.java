package dev.pmsconversations.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import org.junit.jupiter.api.Test;

/** Filters join records by id as text: a number 5 matches "5" but not "05", whatever the id's size. */
class SelectorTest {
    private static final String RECORDS = """
            {"items": [
              {"id": 5, "name": "five"},
              {"id": "05", "name": "text zero-five"},
              {"id": 1234567890123456789, "name": "nineteen digits"},
              {"id": -7, "name": "minus seven"},
              {"id": 0, "name": "zero"},
              {"id": 2.0, "name": "two, written as a float"},
              {"links": [3, 4], "name": "links to three and four"}
            ]}
            """;

    private static String pick(String filter) throws Exception {
        JsonNode base = Json.MAPPER.readTree(RECORDS);
        JsonNode found = Selector.parse("/items" + filter + "/name").select(base, null);
        return found.isMissingNode() ? null : found.asText();
    }

    @Test
    void numbersMatchTheirTextAsJacksonWritesIt() throws Exception {
        assertThat(pick("[/id=5]")).isEqualTo("five");
        assertThat(pick("[/id=05]")).isEqualTo("text zero-five");
        assertThat(pick("[/id=1234567890123456789]")).isEqualTo("nineteen digits");
        assertThat(pick("[/id=-7]")).isEqualTo("minus seven");
        assertThat(pick("[/id=0]")).isEqualTo("zero");
        assertThat(pick("[/id=-0]")).isNull();
        assertThat(pick("[/id=2.0]")).isEqualTo("two, written as a float");
        assertThat(pick("[/id=6]")).isNull();
    }

    @Test
    void anArrayOfIdsMatchesWhenItHoldsTheValue() throws Exception {
        assertThat(pick("[/links=4]")).isEqualTo("links to three and four");
        assertThat(pick("[/links=04]")).isNull();
    }

    @Test
    void theValueMayComeFromTheRecordBeingMapped() throws Exception {
        JsonNode base = Json.MAPPER.readTree(RECORDS);
        JsonNode message = Json.MAPPER.readTree("{\"sender\": -7}");
        assertThat(Selector.parse("/items[/id={/sender}]/name").select(base, message).asText()).isEqualTo("minus seven");
    }
}
