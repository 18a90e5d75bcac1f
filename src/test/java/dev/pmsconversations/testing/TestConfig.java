package dev.pmsconversations.testing;

import dev.pmsconversations.config.ConfigLoader;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.simulator.PmsSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one place tests write a runtime configuration (the YAML a user writes): sections are added as the test needs them
 * and read back through the real {@link ConfigLoader}, or written to a file for a runtime in its own JVM.
 */
public final class TestConfig {
    private final StringBuilder runtime = new StringBuilder();
    private final StringBuilder sections = new StringBuilder();
    private final StringBuilder sinks = new StringBuilder();
    private final StringBuilder accounts = new StringBuilder();

    private final String storeUrl;
    private String encryptionKey;

    private TestConfig(String storeUrl) {
        this.storeUrl = storeUrl;
    }

    /** The key the credentials of accounts created through the API are encrypted with ({@code runtime.store.encryptionKey}). */
    public TestConfig encryptionKey(String key) {
        this.encryptionKey = key;
        return this;
    }

    /** A configuration on the given state store. */
    public static TestConfig onStore(String storeUrl) {
        return new TestConfig(storeUrl);
    }

    public TestConfig mappings(Path dir) {
        runtime.append("  mappings: \"").append(slashes(dir)).append("\"\n");
        return this;
    }

    /** A line of the {@code runtime:} section, e.g. {@code cluster: { pollThreads: 2, checkinMillis: 1000 }}. */
    public TestConfig runtime(String line) {
        runtime.append("  ").append(line).append('\n');
        return this;
    }

    /** The API on {@code port} with {@link TestRuntime#TOKEN} and, if {@code scoped}, {@link TestRuntime#SCOPED_TOKEN} (hostaway-1). */
    public TestConfig api(int port, boolean scoped) {
        return api(port, scoped, null);
    }

    /** @param publicUrl {@code api.publicUrl} (webhook subscriptions of accounts created through the API), null: none */
    public TestConfig api(int port, boolean scoped, String publicUrl) {
        sections.append("api:\n  port: ").append(port).append("\n  maxBodyBytes: 65536\n");
        if (publicUrl != null) {
            sections.append("  publicUrl: ").append(publicUrl).append('\n');
        }
        sections.append("  tokens:\n")
                .append("    - { name: test, token: { value: \"").append(TestRuntime.TOKEN).append("\" } }\n");
        if (scoped) {
            sections.append("    - { name: scoped, token: { value: \"").append(TestRuntime.SCOPED_TOKEN).append("\" }, accounts: [hostaway-1] }\n");
        }
        return this;
    }

    /** A top-level section written inline, e.g. {@code section("outbox", "sweepMillis: 200")}. */
    public TestConfig section(String name, String inline) {
        sections.append(name).append(": { ").append(inline).append(" }\n");
        return this;
    }

    /** A file sink. */
    public TestConfig fileSink(String name, Path directory) {
        return sink("{ name: " + name + ", type: file, directory: \"" + slashes(directory) + "\" }");
    }

    /** An HTTP sink with more options (inline YAML, may be empty). */
    public TestConfig httpSink(String name, String url, String options) {
        return sink("{ name: " + name + ", type: http, url: \"" + url + "\"" + (options.isEmpty() ? "" : ", " + options) + " }");
    }

    /** A sink as one inline YAML map. */
    public TestConfig sink(String inlineMap) {
        sinks.append("  - ").append(inlineMap).append('\n');
        return this;
    }

    /** Sinks as YAML list items, indented two spaces. */
    public TestConfig sinksYaml(String items) {
        sinks.append(items);
        return this;
    }

    /** An account of the simulator, its credentials as the simulator issued them plus {@code extra}. */
    public TestConfig account(String id, String source, PmsSimulator sim, String every, Map<String, String> extra) {
        accounts.append("  - id: ").append(id).append("\n    source: ").append(source)
                .append("\n    baseUrl: \"").append(sim.baseUrl(source)).append("\"\n");
        if (every != null) {
            accounts.append("    schedule: { every: ").append(every).append(" }\n");
        }
        accounts.append("    credentials:\n");
        Map<String, String> credentials = new java.util.LinkedHashMap<>(sim.source(source).account(id).credentials);
        credentials.putAll(extra);
        credentials.forEach((k, v) -> accounts.append("      ").append(k).append(": { value: \"").append(v).append("\" }\n"));
        return this;
    }

    public String yaml() {
        String store = "  store: { url: \"" + storeUrl + "\"" + (encryptionKey == null ? "" : ", encryptionKey: { value: \"" + encryptionKey + "\" }")
                + " }\n";
        return "runtime:\n" + store + runtime + sections + (sinks.isEmpty() ? "" : "sinks:\n" + sinks)
                + (accounts.isEmpty() ? "" : "accounts:\n" + accounts);
    }

    /** Read by the runtime's own loader. */
    public RuntimeConfig parse() {
        return new ConfigLoader().parse("test-config.yaml", yaml());
    }

    /** Written to {@code file} (for a runtime in its own JVM). */
    public Path write(Path file) {
        try {
            Files.writeString(file, yaml());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String slashes(Path p) {
        return p.toString().replace('\\', '/');
    }
}
