package dev.pmsconversations.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/coverage.md is what the mappings and fixtures say, and every mapped field is proven by a fixture. */
class CoverageTest {
    private static final Path DOC = Path.of("docs/coverage.md");
    private final CoverageMatrix matrix = CoverageMatrix.build(SourceRegistry.load(Path.of("mappings"), false), Fixtures.ROOT);

    @Test
    void everyMappedFieldIsProvenByAFixtureAndEverySpecFieldIsMappedOrExplained() {
        assertThat(matrix.problems()).isEmpty();
    }

    @Test
    void theCommittedMatrixIsUpToDate() throws IOException {
        assertThat(Files.readString(DOC))
                .as("docs/coverage.md is stale: run  java -jar target/pms-conversations.jar coverage --out docs/coverage.md")
                .isEqualTo(matrix.markdown());
    }

    @Test
    void aMappedFieldWithoutAFixtureValueIsAGap() {
        // the same check the matrix applies, on a hand-made output without recipient.phone
        var c = dev.pmsconversations.model.Json.MAPPER.createObjectNode().put("id", "1");
        c.putObject("recipient").put("name", "Ana").putNull("phone");
        c.putArray("messages").addObject().put("id", "m1").putArray("attachments").addObject().put("url", "https://x/y.png");
        assertThat(CoverageMatrix.hasValue(c, "recipient.name")).isTrue();
        assertThat(CoverageMatrix.hasValue(c, "recipient.phone")).isFalse();
        assertThat(CoverageMatrix.hasValue(c, "messages.id")).isTrue();
        assertThat(CoverageMatrix.hasValue(c, "messages.attachments.url")).isTrue();
        assertThat(CoverageMatrix.hasValue(c, "messages.attachments.type.mimeType")).isFalse();
    }
}
