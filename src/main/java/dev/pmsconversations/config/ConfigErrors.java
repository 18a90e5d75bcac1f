package dev.pmsconversations.config;

import dev.pmsconversations.yaml.YamlFileException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every problem of one configuration file, in line order. The message lists them, one {@code file:line: ...} per
 * line, so whoever prints it (run, validate) shows them all at once instead of one per attempt.
 */
public final class ConfigErrors extends YamlFileException {
    private final List<YamlFileException> all;

    private ConfigErrors(List<YamlFileException> sorted) {
        super(sorted.stream().map(Throwable::getMessage).collect(Collectors.joining("\n")), sorted.get(0));
        this.all = sorted;
    }

    /** {@code errors} must not be empty. */
    static ConfigErrors of(List<YamlFileException> errors) {
        return new ConfigErrors(inLineOrder(errors));
    }

    /** Sorted by line, stable: problems found on one line keep the order they were found in. */
    public static List<YamlFileException> inLineOrder(List<? extends YamlFileException> errors) {
        return errors.stream().sorted(Comparator.comparingInt(YamlFileException::line)).map(e -> (YamlFileException) e).toList();
    }

    public List<YamlFileException> all() {
        return all;
    }
}
