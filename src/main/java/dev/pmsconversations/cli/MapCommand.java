package dev.pmsconversations.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.mapping.MappedConversation;
import dev.pmsconversations.mapping.MappingException;
import dev.pmsconversations.mapping.MappingReport;
import dev.pmsconversations.mapping.NativeBundle;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.yaml.YamlFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Maps one native bundle to the unified Conversation: the tool to debug a mapping file. */
@Command(name = "map", mixinStandardHelpOptions = true,
        description = "Map a native bundle {\"conversation\": {...}, \"messages\": [...]} (file or - for stdin) "
                + "with mappings/<source>.yaml and print the unified Conversation; what was tolerated (missing, "
                + "unreadable or unknown values) is listed on stderr.")
public final class MapCommand implements Callable<Integer> {
    @Option(names = {"-s", "--source"}, required = true, description = "source key, e.g. hostaway")
    String source;

    @Option(names = "--mappings", defaultValue = "mappings", description = "mappings directory (default: ${DEFAULT-VALUE})")
    Path mappings;

    @Option(names = "--include-deprecated", description = "also print the deprecated conversation 'type'")
    boolean includeDeprecated;

    @Option(names = "--explain", description = "instead of the JSON: per unified field, the native path(s) it reads, which had a value, the result, and its evidence grade")
    boolean explain;

    @Parameters(index = "0", defaultValue = "-", description = "native bundle file, or - for stdin (default)")
    String input;

    @Override
    public Integer call() {
        try {
            SourceDefinition def = SourceRegistry.load(mappings, false).get(source);
            if (def == null) {
                System.err.println("error: no mapping file for source '" + source + "' in " + mappings);
                return PmsConversations.BAD_INPUT;
            }
            if (!def.messaging()) {
                System.err.println("error: " + def.name() + " has no messaging API: " + def.unsupportedReason());
                return PmsConversations.BAD_INPUT;
            }
            String text = input.equals("-") ? new String(System.in.readAllBytes()) : Files.readString(Path.of(input));
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                System.err.println("error: input is not valid JSON: " + e.getOriginalMessage());
                return PmsConversations.BAD_INPUT;
            }
            NativeBundle bundle = NativeBundle.fromJson(root);
            MappedConversation mapped = def.mapping().mapWithReport(bundle);
            if (explain) {
                dev.pmsconversations.mapping.MappingExplanation.lines(def.mapping(), def.mappingSpec(), bundle, mapped)
                        .forEach(System.out::println);
                return PmsConversations.OK;
            }
            System.out.println(Json.output(includeDeprecated).writerWithDefaultPrettyPrinter().writeValueAsString(mapped.conversation()));
            printReport(mapped.report());
            return PmsConversations.OK;
        } catch (MappingException | YamlFileException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return PmsConversations.BAD_INPUT;
        } catch (IOException e) {
            System.err.println("error: cannot read " + input + ": " + e.getMessage());
            return PmsConversations.BAD_INPUT;
        }
    }

    /** On stderr, so stdout stays the unified JSON; tolerated fields do not fail the command (docs/mappings.md, "Tolerance"). */
    private static void printReport(MappingReport report) {
        if (report.isEmpty()) {
            return;
        }
        System.err.println("tolerated (" + report.issues().size() + "): mapped to null or a fallback instead of rejecting the thread");
        report.issues().forEach(issue -> System.err.println("  " + issue));
    }
}
