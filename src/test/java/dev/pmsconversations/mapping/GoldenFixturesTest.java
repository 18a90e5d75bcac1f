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

    /**
     * docs/mappings.md, step 3: an expected file is written by hand, and its evidence.md says where each value comes
     * from; every conversation field the expected file gives a value has its row there.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pmsconversations.testing.Fixtures#all")
    void everyExpectedValueHasItsEvidenceWrittenDown(Fixtures.Fixture fixture) throws Exception {
        java.nio.file.Path md = fixture.expectedFile().resolveSibling(fixture.name() + ".evidence.md");
        assertThat(md).as("the evidence of " + fixture.expectedFile()).exists();
        String text = java.nio.file.Files.readString(md);
        List<String> fields = new java.util.ArrayList<>();
        fixture.expected().fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                fields.add(e.getKey());
            }
        });
        fixture.expected().path("recipient").fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                fields.add("recipient." + e.getKey());
            }
        });
        assertThat(fields).as("conversation fields with a value in " + fixture.expectedFile()).isNotEmpty()
                .allSatisfy(f -> assertThat(text).as(md + " has a row for " + f).contains(f));
    }

    @Test
    void everyFoundationSourceHasAFixture() {
        for (String source : List.of("hostaway", "guesty", "smoobu")) {
            assertThat(Fixtures.of(source)).as(source).isNotEmpty();
        }
    }
}
