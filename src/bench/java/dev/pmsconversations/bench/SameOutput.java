package dev.pmsconversations.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Json;

/**
 * Guards the comparison: the alternatives must produce exactly what the engine produces (serialised with every
 * field, the deprecated conversation type too), and the engine what the golden fixture says. Otherwise a benchmark
 * would compare unequal work, so setup fails instead.
 */
final class SameOutput {
    private SameOutput() {
    }

    static void check(BenchFixture fixture, Conversation engine, Conversation alternative, String name) {
        String want = json(engine);
        String got = json(alternative);
        if (!want.equals(got)) {
            throw new IllegalStateException(fixture.source() + ": " + name + " output differs from the engine's\nengine: "
                    + want + "\n" + name + ": " + got);
        }
    }

    static void checkGolden(BenchFixture fixture, Conversation engine) {
        try {
            if (!Json.MAPPER.readTree(Json.OUTPUT.writeValueAsString(engine)).equals(Json.MAPPER.readTree(fixture.expected()))) {
                throw new IllegalStateException(fixture.source() + ": the engine no longer maps the fixture to its *.expected.json");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Conversation c) {
        try {
            return Json.OUTPUT_WITH_DEPRECATED.writeValueAsString(c);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
