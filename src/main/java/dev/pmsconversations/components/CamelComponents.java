package dev.pmsconversations.components;

import java.util.Map;
import java.util.Set;

/**
 * The Camel components and languages on this runtime's class path. Camel finds both by a service descriptor
 * ({@code META-INF/services/org/apache/camel/component/<scheme>}, {@code …/language/<name>}), so looking the
 * descriptor up answers exactly what Camel would find at start-up, without starting it (validate runs before).
 */
public final class CamelComponents {
    private static final String COMPONENTS = "META-INF/services/org/apache/camel/component/";
    private static final String LANGUAGES = "META-INF/services/org/apache/camel/language/";
    /** Schemes whose artifact is not camel-&lt;scheme&gt; (the others' is). */
    private static final Map<String, String> ARTIFACT = Map.ofEntries(
            Map.entry("https", "camel-http"), Map.entry("smtp", "camel-mail"), Map.entry("smtps", "camel-mail"),
            Map.entry("imap", "camel-mail"), Map.entry("imaps", "camel-mail"), Map.entry("pop3", "camel-mail"),
            Map.entry("pop3s", "camel-mail"), Map.entry("sftp", "camel-ftp"), Map.entry("ftps", "camel-ftp"),
            Map.entry("mqtt", "camel-paho-mqtt5"), Map.entry("activemq", "camel-activemq"),
            Map.entry("ws", "camel-vertx-websocket"), Map.entry("wss", "camel-vertx-websocket"),
            Map.entry("js", "camel-javascript"), Map.entry("hl7terser", "camel-hl7"), Map.entry("xtokenize", "camel-stax"));
    /**
     * The languages Camel ships outside its core (the core's, such as simple, constant and header, are always here):
     * a route file key with one of these names is an expression in that language.
     */
    static final Set<String> NON_CORE_LANGUAGES = Set.of("csimple", "datasonnet", "groovy", "hl7terser", "java", "joor", "jq",
            "js", "jsonpath", "mvel", "ognl", "python", "spel", "wasm", "xpath", "xquery", "xtokenize");

    private final ClassLoader loader;

    public CamelComponents(ClassLoader loader) {
        this.loader = loader;
    }

    public boolean hasComponent(String scheme) {
        return loader.getResource(COMPONENTS + scheme) != null;
    }

    public boolean hasLanguage(String name) {
        return loader.getResource(LANGUAGES + name) != null;
    }

    /**
     * The endpoint URI's scheme, or null when it has none that can be checked before start-up (no colon, or a
     * property placeholder / simple expression in the scheme, resolved at run time).
     */
    public static String scheme(String uri) {
        int colon = uri == null ? -1 : uri.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String scheme = uri.substring(0, colon).trim();
        return scheme.matches("[A-Za-z][A-Za-z0-9+.-]*") ? scheme : null;
    }

    /** Why the URI cannot be resolved in this runtime (its component is absent), or null when it can. */
    public String missingComponent(String uri) {
        String scheme = scheme(uri);
        if (scheme == null || hasComponent(scheme)) {
            return null;
        }
        return "no Camel component '" + scheme + "' in this runtime: it comes with org.apache.camel:"
                + ARTIFACT.getOrDefault(scheme, "camel-" + scheme) + " (see docs/extending.md)";
    }

    /** Why the language cannot be used in this runtime, or null when it can. */
    public String missingLanguage(String name) {
        if (!NON_CORE_LANGUAGES.contains(name) || hasLanguage(name)) {
            return null;
        }
        return "no Camel language '" + name + "' in this runtime: it comes with org.apache.camel:"
                + ARTIFACT.getOrDefault(name, "camel-" + name) + " (see docs/extending.md)";
    }
}
