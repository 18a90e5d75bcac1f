package dev.pmsconversations.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md cannot drift from the code: every key the configuration loader accepts (its onlyKeys sets and
 * the per-sink-type key sets) must appear in the reference, in backticks, and so must every source's credentials.
 */
class ConfigurationDocTest {
    /** {@code onlyKeys(Set.of(…))}, {@code p.onlyKeys(node, Set.of(…))}, the sink types' {@code -> Set.of(…)}. */
    private static final Pattern KEY_SET = Pattern.compile("(?:onlyKeys\\((?:[^;\\n]*?, )?|-> |common = )Set\\.of\\(([^)]*)\\)");
    private static final Pattern LITERAL = Pattern.compile("\"([A-Za-z]+)\"");

    @Test
    void everyConfigurationKeyIsDocumented() throws Exception {
        // the loader and its readers (sinks, credential references)
        StringBuilder code = new StringBuilder();
        for (String reader : List.of("ConfigLoader", "SinkReader", "SecretReader")) {
            code.append(Files.readString(Path.of("src/main/java/dev/pmsconversations/config/" + reader + ".java")));
        }
        String doc = Files.readString(Path.of("docs/configuration.md"));
        List<String> keys = new ArrayList<>();
        Matcher sets = KEY_SET.matcher(code);
        while (sets.find()) {
            Matcher literal = LITERAL.matcher(sets.group(1));
            while (literal.find()) {
                keys.add(literal.group(1));
            }
        }
        assertThat(keys).contains("runtime", "devMode", "maxBacklog", "saslJaasConfig", "eventLogMaxBytes", "cron", "management");
        List<String> missing = keys.stream().distinct()
                .filter(k -> !Pattern.compile("`[^`\\n]*\\b" + k + "\\b[^`\\n]*`").matcher(doc).find()).toList();
        assertThat(missing).as("configuration keys missing from docs/configuration.md").isEmpty();
    }

    /**
     * The credentials table names, for every source with messaging (by its display name), each credential its file
     * requires (auth and query credentials, in the API column) and each its webhook check uses (webhooks column).
     */
    @Test
    void everySourcesCredentialsAreInTheCredentialsTable() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        String table = doc.substring(doc.indexOf("| source | API | webhooks |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Map<String, String[]> rows = new HashMap<>();
        for (String row : table.lines().skip(2).toList()) {
            String[] cells = row.substring(1, row.lastIndexOf('|')).split("\\|");
            rows.put(cells[0].trim(), new String[] {cells[1], cells[2]});
        }
        List<String> gaps = new ArrayList<>();
        Map<String, SourceDefinition> sources = SourceRegistry.load(Path.of("mappings"), false).all();
        assertThat(sources).hasSizeGreaterThan(10);
        for (SourceDefinition def : sources.values()) {
            if (!def.messaging()) {
                continue;
            }
            String[] cells = rows.get(def.name());
            if (cells == null) {
                gaps.add(def.name() + ": no row");
                continue;
            }
            Set<String> api = new TreeSet<>(def.api().auth().credentialNames());
            api.addAll(def.api().queryCredentials());
            api.stream().filter(c -> !cells[0].contains("`" + c + "`")).forEach(c -> gaps.add(def.name() + " API: " + c));
            List<String> webhook = def.api().webhook() == null ? List.of() : def.api().webhook().credentials();
            webhook.stream().filter(c -> !cells[1].contains("`" + c + "`")).forEach(c -> gaps.add(def.name() + " webhooks: " + c));
        }
        assertThat(gaps).as("credentials missing from the table in docs/configuration.md").isEmpty();
    }
}
