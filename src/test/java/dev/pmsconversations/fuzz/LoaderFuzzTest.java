package dev.pmsconversations.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmsconversations.config.ConfigLoader;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.yaml.YamlFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * YAML text into the two loaders: {@link ConfigLoader} (configuration files) and {@link SourceDefinition#load} (a
 * {@code mappings/} file, compiled with its mapping). The only allowed failure is a {@link YamlFileException} whose
 * message starts with {@code file:line:}; anything else (NPE, ClassCastException, a raw SnakeYAML or JDK exception,
 * StackOverflowError) is a finding.
 *
 * <p>The text is either a real file of the project (config/*.yaml, mappings/*.yaml, read as they are now) with
 * fuzzer-chosen line edits (delete, repeat, swap, re-indent, replace a value, insert a key), or raw fuzzer bytes
 * parsed as either kind. Input layout, from the end: file (0..n-1), mode, edits. The seeds
 * {@code LoaderFuzzTestInputs/yamlFile/} load each real file unchanged.
 */
class LoaderFuzzTest {
    private static final List<Path> FILES = files();
    private static final Path DIR;
    /** {@code env:} references: set for every name but those starting with UNSET. */
    private static final ConfigLoader CONFIG = new ConfigLoader(name -> name.startsWith("UNSET") ? null : "env-" + name + "-0123456789abcdef");
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", ": ", "- ", "  ", "\"", "'", "&a", "*a", "!!str ", "!!int ",
            "!!binary ", "? ", "|", ">", "#", "~", "null", "true", "1e9", "-1", "0", "65536", "\t", "\\u0000", "%YAML 1.2", "---", "...",
            "{ env: X }", "{ value: v }", "{ file: f }", "/a/b", "^/x", "/a[/k=v]/b", "/a[/k={/c}]/d", "yyyy-MM-dd", "Europe/Paris");

    static {
        try {
            DIR = Files.createTempDirectory("loader-fuzz");
            Files.writeString(DIR.resolve("secret.txt"), "file-secret-0123456789abcdef\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({"runtime:", "mappings:", "routes:", "store:", "url:", "jdbc:h2:mem:x", "jdbc:postgresql://h/db", "output:",
            "includeDeprecated:", "devMode:", "api:", "host:", "port:", "tokens:", "maxBodyBytes:", "management:", "enabled:",
            "outbox:", "maxAttempts:", "leaseSeconds:", "sweepMillis:", "delivery:", "drainMillis:", "maxBacklog:", "sinks:",
            "name:", "type:", "file", "http", "jms", "rabbitmq", "kafka", "uri", "filter:", "sources:", "eventTypes:",
            "senderTypes:", "payload:", "snapshot", "newMessages", "eventLog:", "daily", "eventLogMaxBytes:", "accounts:", "id:",
            "source:", "baseUrl:", "timeZone:", "credentials:", "schedule:", "every:", "cron:", "env:", "value:", "file: secret.txt",
            "messaging:", "unsupported:", "unavailable:", "mapping:", "conversation:", "message:", "recipient:", "attachments:",
            "path:", "paths:", "join:", "separator:", "latest:", "const:", "hook:", "as: time", "as: bool", "as: html", "format:",
            "zone:", "zonePath:", "values:", "else:", "assumed:", "firstOf:", "equal:", "item:", "webhook:", "auth:", "basic", "token",
            "hmac", "svix", "unwrap:", "confirm:", "conversationId:", "conversationIdPattern:", "accept:", "event:", "dedupeHeader:",
            "epoch-seconds", "epoch-millis", "iso", "senderType:", "Guest", "Owner", "Log", "&a ", "*a", "<<: *a", "? "})
    void yamlFile(FuzzedDataProvider data) throws IOException {
        Path original = FILES.get(data.consumeInt(0, FILES.size() - 1));
        boolean asConfig = original.getParent().getFileName().toString().equals("config");
        String text;
        if (data.consumeInt(0, 3) == 0) {
            asConfig = data.consumeBoolean();
            text = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        } else {
            text = edit(Files.readString(original), data);
        }
        if (asConfig) {
            loadConfig(text.replace("${apiPort}", "8080").replace("${simulator}", "http://127.0.0.1:9"));
        } else {
            loadMapping(original.getFileName().toString(), text);
        }
    }

    private static void loadConfig(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("file") && Stream.of("/dev", "/proc", "/sys", "\\").anyMatch(lower::contains)) {
            return; // a {file: ...} credential is read whole: never point the fuzzer at a device (/dev/zero has no end)
        }
        String name = DIR.resolve("pms-conversations.yaml").toString();
        try {
            CONFIG.parse(name, text);
        } catch (YamlFileException e) {
            checkNamed(e, name);
        }
    }

    private static void loadMapping(String fileName, String text) throws IOException {
        Path file = DIR.resolve(fileName);
        Files.write(file, text.getBytes(StandardCharsets.UTF_8)); // (a lone surrogate the fuzzer wrote becomes '?')
        try {
            SourceDefinition.load(file);
        } catch (YamlFileException e) {
            checkNamed(e, file.toString());
        } catch (RuntimeException e) {
            if (!FuzzSupport.knownFinding(e)) {
                throw e;
            }
        }
    }

    private static void checkNamed(YamlFileException e, String file) {
        FuzzSupport.check(file.equals(e.file()) && e.line() >= 0 && e.getMessage().startsWith(file + ":" + e.line() + ":"),
                "error does not start with file:line:", e);
    }

    /** Line edits of a real file: enough YAML stays intact for the loaders to get to their own checks. */
    private static String edit(String text, FuzzedDataProvider data) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        for (int edits = data.consumeInt(0, 6); edits > 0 && !lines.isEmpty(); edits--) {
            int at = data.consumeInt(0, lines.size() - 1);
            String line = lines.get(at);
            int colon = line.indexOf(": ");
            switch (data.consumeInt(0, 8)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2 -> {
                    int other = data.consumeInt(0, lines.size() - 1);
                    lines.set(at, lines.get(other));
                    lines.set(other, line);
                }
                case 3 -> lines.set(at, " ".repeat(data.consumeInt(0, 8)) + line.strip());
                case 4 -> lines.set(at, colon < 0 ? line + data.consumeString(20)
                        : line.substring(0, colon + 2) + (data.consumeBoolean() ? data.pickValue(TOKENS) : data.consumeString(40)));
                case 5 -> lines.add(at, " ".repeat(data.consumeInt(0, 8)) + data.consumeString(20) + ": " + data.consumeString(30));
                case 6 -> { // a fragment somewhere in the line
                    int pos = data.consumeInt(0, line.length());
                    String insert = data.consumeBoolean() ? data.pickValue(TOKENS) : data.consumeString(10);
                    lines.set(at, line.substring(0, pos) + insert + line.substring(Math.min(line.length(), pos + data.consumeInt(0, 10))));
                }
                case 7 -> lines.set(at, line.substring(0, data.consumeInt(0, line.length()))); // cut short
                default -> lines.add(at, data.consumeString(60));
            }
        }
        return String.join("\n", lines);
    }

    private static List<Path> files() {
        try (Stream<Path> config = Files.list(Path.of("config")); Stream<Path> mappings = Files.list(Path.of("mappings"))) {
            return Stream.concat(config, mappings).filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
