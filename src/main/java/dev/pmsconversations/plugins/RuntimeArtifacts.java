package dev.pmsconversations.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the runtime itself is built from, read from the {@code META-INF/maven/<group>/<artifact>/pom.properties} every
 * Maven-built jar carries (the runtime's shaded jar keeps them): its Camel version, and whether a library is already
 * part of it (a plugin then does not bring a second copy).
 */
public final class RuntimeArtifacts {
    private final ClassLoader runtime;

    public RuntimeArtifacts(ClassLoader runtime) {
        this.runtime = runtime;
    }

    public static RuntimeArtifacts ofThisRuntime() {
        return new RuntimeArtifacts(RuntimeArtifacts.class.getClassLoader());
    }

    /** The version of the runtime's Camel (its camel-api). */
    public String camelVersion() {
        String v = version("org.apache.camel", "camel-api");
        if (v == null) {
            throw new IllegalStateException("this runtime's Camel version is unknown (no camel-api pom.properties on its class path)");
        }
        return v;
    }

    /** The version of a library the runtime has, or null. */
    public String version(String groupId, String artifactId) {
        try (InputStream in = runtime.getResourceAsStream("META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
