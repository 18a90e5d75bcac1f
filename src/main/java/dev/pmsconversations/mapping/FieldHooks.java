package dev.pmsconversations.mapping;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Java escape hatch for a field no declarative rule can express. A mapping file names a hook with
 * {@code hook: <name>}; register it here (e.g. from a source's own class) before the mappings load.
 */
public final class FieldHooks {
    private static final Map<String, FieldReader> HOOKS = new ConcurrentHashMap<>();

    private FieldHooks() {
    }

    public static void register(String name, FieldReader reader) {
        HOOKS.put(name, reader);
    }

    public static FieldReader find(String name) {
        return HOOKS.get(name);
    }
}
