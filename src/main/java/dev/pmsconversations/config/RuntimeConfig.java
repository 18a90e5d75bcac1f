package dev.pmsconversations.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The whole configuration file, validated. */
public record RuntimeConfig(Path file, Path mappings, Path routes, StoreConfig store, boolean includeDeprecated,
                            boolean devMode, List<SinkConfig> sinks, List<AccountConfig> accounts) {

    /** State store connection; H2 file by default, PostgreSQL by URL. */
    public record StoreConfig(String url, String user, Secret password) {
    }

    public Map<String, SinkConfig> sinksByName() {
        Map<String, SinkConfig> out = new java.util.LinkedHashMap<>();
        sinks.forEach(s -> out.put(s.name(), s));
        return out;
    }

    public RuntimeConfig withAccounts(List<AccountConfig> replaced) {
        return new RuntimeConfig(file, mappings, routes, store, includeDeprecated, devMode, sinks, replaced);
    }

    public RuntimeConfig withStore(StoreConfig replaced) {
        return new RuntimeConfig(file, mappings, routes, replaced, includeDeprecated, devMode, sinks, accounts);
    }
}
