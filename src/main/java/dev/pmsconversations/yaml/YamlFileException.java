package dev.pmsconversations.yaml;

/** A configuration or mapping file is invalid; the message names file, line and key. */
public class YamlFileException extends RuntimeException {
    private final String file;
    private final int line;
    private final String key;

    public YamlFileException(String file, int line, String key, String problem) {
        super(file + ":" + line + ": " + (key == null || key.isEmpty() ? "" : "key '" + key + "': ") + problem);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    /** One exception that stands for several problems: its own message, and the place of the first. */
    protected YamlFileException(String message, YamlFileException first) {
        super(message);
        this.file = first.file;
        this.line = first.line;
        this.key = first.key;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String key() {
        return key;
    }
}
