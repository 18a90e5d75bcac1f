package dev.pmsconversations.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.testing.Fixtures;
import dev.pmsconversations.testing.Schemas;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every golden fixture maps to its hand-checked unified output, which validates against the schema. */
class GoldenFixturesTest {
    private static final SourceRegistry SOURCES = SourceRegistry.load(Path.of("mappings"), false);

    static List<Fixtures.Fixture> fixtures() {
        return Fixtures.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void mapsToTheHandCheckedOutput(Fixtures.Fixture fixture) throws Exception {
        var mapping = SOURCES.get(fixture.source()).mapping();
        JsonNode actual = Json.MAPPER.readTree(Json.OUTPUT.writeValueAsString(mapping.map(NativeBundle.fromJson(fixture.nativeBundle()))));
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
