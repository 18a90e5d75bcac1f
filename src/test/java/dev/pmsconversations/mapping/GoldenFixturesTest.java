package dev.pmsconversations.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.testing.Fixtures;
import dev.pmsconversations.testing.Schemas;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every golden fixture maps to its hand-checked unified output, which validates against the schema. */
class GoldenFixturesTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pmsconversations.testing.Fixtures#all")
    void mapsToTheHandCheckedOutput(Fixtures.Fixture fixture) throws Exception {
        JsonNode actual = Json.MAPPER.readTree(Json.OUTPUT.writeValueAsString(fixture.mapped()));
        assertThat(actual).isEqualTo(fixture.expected());
        assertThat(Schemas.conversationProblems(actual)).isEmpty();
    }

    @Test
    void everyFoundationSourceHasAFixture() {
        for (String source : List.of("hostaway", "guesty", "smoobu")) {
            assertThat(Fixtures.of(source)).as(source).isNotEmpty();
        }
    }
}
