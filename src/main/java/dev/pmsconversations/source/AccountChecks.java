package dev.pmsconversations.source;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.yaml.YamlFileException;
import dev.pmsconversations.yaml.YamlPlace;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The configured accounts checked against the source files (a configuration can be read without them; this check
 * needs both, so it lives with the sources): known source, messaging supported, credentials complete.
 */
public final class AccountChecks {
    private AccountChecks() {
    }

    /**
     * Checks accounts against the source files: known source, messaging supported, credentials complete.
     * Returns the problems (empty when valid), each naming the file and the account's line.
     */
    public static List<String> problems(RuntimeConfig config, SourceRegistry sources) {
        return errors(config, sources).stream().map(Throwable::getMessage).toList();
    }

    /** {@link #problems} as errors with file, line and key of each account's item, for sorting among the file's others. */
    public static List<YamlFileException> errors(RuntimeConfig config, SourceRegistry sources) {
        List<YamlFileException> problems = new ArrayList<>();
        for (AccountConfig a : config.accounts()) {
            YamlPlace place = a.place() != null ? a.place() : new YamlPlace(config.file().toString(), 0, "accounts");
            String account = "account '" + a.id() + "': ";
            SourceDefinition def = sources.get(a.source());
            if (def == null) {
                problems.add(place.error(account + "unknown source '" + a.source() + "'; known: " + sources.all().keySet()));
                continue;
            }
            if (!def.messaging()) {
                problems.add(place.error(account + def.name() + " cannot be synced for conversations: " + def.unsupportedReason()));
                continue;
            }
            for (String c : new TreeSet<>(def.api().auth().credentialNames())) {
                if (!a.credentials().containsKey(c)) {
                    problems.add(place.error(account + "missing credential '" + c + "' (" + def.name() + " auth: "
                            + def.api().auth().type() + ")"));
                }
            }
            for (String c : def.api().queryCredentials()) {
                if (!a.credentials().containsKey(c)) {
                    problems.add(place.error(account + "missing credential '" + c + "' (" + def.name() + " sends it with its requests)"));
                }
            }
        }
        return problems;
    }
}
