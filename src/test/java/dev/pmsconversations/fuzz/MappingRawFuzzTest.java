package dev.pmsconversations.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import java.io.IOException;

/**
 * The mapping engine on raw bytes, parsed the way the {@code map} command and the PMS client parse a response. Not
 * JSON is the caller's error (a Jackson {@code IOException}); otherwise the outcomes of {@link FuzzSupport#mapAndCheck}.
 *
 * <p>Input layout: the document, then one last byte picking the source ({@link FuzzSupport#MESSAGING_SOURCES}, sorted).
 * The seeds {@code MappingRawFuzzTestInputs/rawDocument/} are the golden fixtures, each with its source's byte.
 */
class MappingRawFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void rawDocument(FuzzedDataProvider data) {
        String source = data.pickValue(FuzzSupport.MESSAGING_SOURCES);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(data.consumeRemainingAsBytes());
        } catch (IOException e) {
            return; // not JSON (or past Jackson's limits): rejected before any mapping
        }
        FuzzSupport.mapAndCheck(source, root, null);
    }
}
