package dev.pmsconversations.yaml;

/** Where a value was written (file, line, dotted key), for problems found once the file is loaded. */
public record YamlPlace(String file, int line, String key) {

    public YamlFileException error(String problem) {
        return new YamlFileException(file, line, key, problem);
    }
}
