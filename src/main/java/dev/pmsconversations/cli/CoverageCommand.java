package dev.pmsconversations.cli;

import dev.pmsconversations.coverage.CoverageMatrix;
import dev.pmsconversations.source.SourceRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Generates the field coverage matrix (docs/coverage.md) from mappings/ and the golden fixtures. */
@Command(name = "coverage", mixinStandardHelpOptions = true,
        description = "Print (or write) the field coverage matrix of every source; exit 2 if a mapped field has no proving fixture.")
public final class CoverageCommand implements Callable<Integer> {
    @Option(names = "--mappings", defaultValue = "mappings", description = "mappings directory (default: ${DEFAULT-VALUE})")
    Path mappings;

    @Option(names = "--fixtures", defaultValue = "src/test/resources/fixtures",
            description = "golden fixtures directory (default: ${DEFAULT-VALUE})")
    Path fixtures;

    @Option(names = "--out", description = "write the Markdown here instead of standard output")
    Path out;

    @Override
    public Integer call() throws IOException {
        CoverageMatrix matrix = CoverageMatrix.build(SourceRegistry.load(mappings, false), fixtures);
        if (out != null) {
            Files.writeString(out, matrix.markdown(), StandardCharsets.UTF_8);
            System.out.println("wrote " + out);
        } else {
            System.out.print(matrix.markdown());
        }
        matrix.problems().forEach(p -> System.err.println("gap: " + p));
        return matrix.problems().isEmpty() ? PmsConversations.OK : PmsConversations.BAD_INPUT;
    }
}
