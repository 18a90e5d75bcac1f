package dev.pmsconversations.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The mapping engine on native documents that are almost right: a source's golden fixture with values dropped,
 * nulled, retyped, replaced by tricky values or repeated at fuzzer-chosen places. Allowed: a conversation that keeps
 * the model's invariants, or a {@code MappingException} naming source and field ({@link FuzzSupport#mapAndCheck}).
 *
 * <p>Input layout (FuzzedDataProvider reads numbers from the end): last byte = fixture, the byte before = the number
 * of edits, then zone and edits. The seeds {@code MappingFuzzTestInputs/mutatedFixture/} map each fixture unchanged.
 */
class MappingFuzzTest {
    private static final Map<String, JsonNode> FIXTURES = FuzzSupport.readFixtures();
    private static final List<String> NAMES = new ArrayList<>(FIXTURES.keySet());
    /** null: the source's own zone; the others compile the mapping again (times without offset read in them). */
    private static final List<ZoneId> ZONES = Arrays.asList(null, ZoneId.of("UTC"), ZoneId.of("America/New_York"),
            ZoneId.of("Pacific/Kiritimati"));

    @FuzzTest(maxDuration = "20s")
    void mutatedFixture(FuzzedDataProvider data) {
        String name = data.pickValue(NAMES);
        int edits = data.consumeInt(0, 8);
        ZoneId zone = ZONES.get(data.consumeInt(0, ZONES.size() - 1));
        JsonNode doc = FIXTURES.get(name).deepCopy();
        FuzzSupport.edit(doc, edits, data);
        FuzzSupport.mapAndCheck(name.substring(0, name.indexOf('/')), doc, zone);
    }
}
