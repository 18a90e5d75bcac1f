package dev.pmsconversations.source;

import dev.pmsconversations.mapping.ConversationMapping;
import dev.pmsconversations.mapping.MappingFactory;
import dev.pmsconversations.yaml.YamlDoc;
import dev.pmsconversations.yaml.YamlFileException;
import dev.pmsconversations.yaml.YamlNode;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code mappings/<source>.yaml}: how to talk to the PMS ({@link ApiSpec}) and how to map its
 * records ({@link ConversationMapping}). A source without a messaging API sets {@code messaging: false}
 * and an {@code unsupported} explanation; configuring an account for it is a configuration error.
 * {@code unavailable} names fields the spec expects from this source that its public API does not give, each
 * with the reason (shown in the coverage matrix instead of a gap). {@code fingerprint} identifies the file's content
 * (as parsed: comments and layout do not count), so that a changed file has the conversations it mapped mapped again.
 */
public record SourceDefinition(String key, String name, Path file, boolean messaging, String unsupportedReason,
                               ApiSpec api, ConversationMapping mapping, YamlNode mappingSpec,
                               Map<ZoneId, ConversationMapping> byZone, Map<String, String> unavailable, String fingerprint) {

    /**
     * The mapping for an account whose configured time zone differs from the source's default (times
     * without offset are read in it). Compiled once per zone.
     */
    public ConversationMapping mapping(ZoneId accountZone) {
        if (accountZone == null || accountZone.equals(api.timeZone())) {
            return mapping;
        }
        return byZone.computeIfAbsent(accountZone, z -> MappingFactory.compile(key, mappingSpec, z));
    }

    public static SourceDefinition load(Path file) {
        YamlDoc doc = YamlDoc.load(file);
        YamlNode root = doc.node().onlyKeys(Set.of("source", "name", "docs", "messaging", "unsupported", "api", "mapping",
                "unavailable"));
        String key = root.text("source");
        String expected = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        if (!key.equals(expected)) {
            throw root.get("source").error("source key '" + key + "' must match the file name '" + expected + "'");
        }
        boolean messaging = root.bool("messaging", true);
        Map<String, String> unavailable = root.has("unavailable") ? root.get("unavailable").stringMap() : Map.of();
        // the mapping's evidence grades are documentation: grading a field does not have conversations mapped again
        com.fasterxml.jackson.databind.JsonNode semantic = root.json().deepCopy();
        if (semantic.path("mapping") instanceof com.fasterxml.jackson.databind.node.ObjectNode m) {
            m.remove("evidence");
        }
        String fingerprint = dev.pmsconversations.model.Hashes.sha256(semantic.toString());
        if (!messaging) {
            return new SourceDefinition(key, root.text("name", key), file, false, root.text("unsupported"), null, null, null, Map.of(),
                    unavailable, fingerprint);
        }
        ApiSpec api = ApiSpec.read(root.get("api"));
        ConversationMapping mapping = MappingFactory.compile(key, root.get("mapping"), api.timeZone());
        return new SourceDefinition(key, root.text("name", key), file, true, null, api, mapping, root.get("mapping"),
                new ConcurrentHashMap<>(), unavailable, fingerprint);
    }

    /** Fails start-up style when the file is bad; used by {@code validate}. */
    public static YamlFileException problem(Path file) {
        try {
            load(file);
            return null;
        } catch (YamlFileException e) {
            return e;
        }
    }
}
