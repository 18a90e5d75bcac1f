package dev.pmsconversations.mapping;

import dev.pmsconversations.yaml.YamlNode;
import java.time.ZoneId;

/** Entry point for compiling the {@code mapping:} section of a source file. */
public final class MappingFactory {
    private MappingFactory() {
    }

    public static ConversationMapping compile(String source, YamlNode mapping, ZoneId defaultZone) {
        return new ConversationMapping(source, mapping.object(), defaultZone);
    }
}
