package dev.pmsconversations.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The plugin directory ({@code runtime.plugins}, default {@code plugins/}): every jar in it is on one class loader
 * whose parent is the runtime's, so a plugin adds classes and never replaces the runtime's own (Camel's core stays
 * the runtime's; {@code plugins add} refuses a component of another Camel version).
 */
public final class PluginDirectory {
    private static final String COMPONENTS = "META-INF/services/org/apache/camel/component/";
    private final Path dir;

    public PluginDirectory(Path dir) {
        this.dir = dir;
    }

    public Path path() {
        return dir;
    }

    /** The jars, sorted by name (none when the directory does not exist). */
    public List<Path> jars() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The runtime's class loader with the plugins' jars (the runtime's own when there are none). */
    public ClassLoader classLoader(ClassLoader runtime) {
        List<Path> jars = jars();
        if (jars.isEmpty()) {
            return runtime;
        }
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalStateException(jar + ": " + e.getMessage(), e);
            }
        }
        return new URLClassLoader("pms-plugins", urls.toArray(URL[]::new), runtime);
    }

    /** The Camel components a jar provides (the schemes of its service descriptors). */
    public static List<String> components(Path jar) {
        TreeSet<String> schemes = new TreeSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.startsWith(COMPONENTS) && name.length() > COMPONENTS.length() && !name.endsWith("/")) {
                    schemes.add(name.substring(COMPONENTS.length()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(jar + ": " + e.getMessage(), e);
        }
        return List.copyOf(schemes);
    }
}
