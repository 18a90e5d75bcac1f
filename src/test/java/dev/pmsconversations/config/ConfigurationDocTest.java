package dev.pmsconversations.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md cannot drift from the code: every key the configuration loader accepts (its onlyKeys sets and
 * the per-sink-type key sets) must appear in the reference, in backticks.
 */
class ConfigurationDocTest {
    private static final Pattern KEY_SET = Pattern.compile("(?:onlyKeys\\(|-> |common = )Set\\.of\\(([^)]*)\\)");
    private static final Pattern LITERAL = Pattern.compile("\"([A-Za-z]+)\"");

    @Test
    void everyConfigurationKeyIsDocumented() throws Exception {
        String code = Files.readString(Path.of("src/main/java/dev/pmsconversations/config/ConfigLoader.java"));
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
}
