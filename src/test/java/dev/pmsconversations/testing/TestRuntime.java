package dev.pmsconversations.testing;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.simulator.PmsSimulator;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds a runtime configuration pointing at the simulator, with its own store and output directory.
 * The store is a fresh in-memory H2 database, or, with {@code -Dpms.test.store=postgres}, a fresh schema
 * in the machine's PostgreSQL (dropped when the JVM exits).
 */
public final class TestRuntime {
    /** Bearer token with access to every account. */
    public static final String TOKEN = "test-token-0123456789abcdef";
    /** Bearer token limited to hostaway-1. */
    public static final String SCOPED_TOKEN = "scoped-token-0123456789abcdef";
    public static final String POSTGRES = System.getProperty("pms.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private TestRuntime() {
    }

    /** One account per source, ids {@code <source>-1}, file sink into {@code out}; no API. */
    public static RuntimeConfig config(PmsSimulator sim, Path out, List<String> sources) {
        return config(sim, out, sources, -1);
    }

    /**
     * As {@link #config(PmsSimulator, Path, List)}, plus, when {@code apiPort > 0}, the API on that port with
     * {@link #TOKEN} and {@link #SCOPED_TOKEN}, webhook credentials per account, and the simulator's
     * webhooks registered to the runtime.
     */
    public static RuntimeConfig config(PmsSimulator sim, Path out, List<String> sources, int apiPort) {
        return config(sim, out, sources, apiPort, "", "");
    }

    /**
     * As above, with more sinks (YAML list items, indented two spaces) after the file sink "files", and
     * options of the {@code delivery:} section (e.g. {@code maxBacklog: 1}).
     */
    public static RuntimeConfig config(PmsSimulator sim, Path out, List<String> sources, int apiPort, String extraSinks,
                                       String deliveryOptions) {
        TestConfig config = TestConfig.onStore(storeUrl());
        if (apiPort > 0) {
            // a short lease, so a send left mid-way is taken over quickly; it must outlast a send call (connect + answer)
            config.api(apiPort, true).section("outbox", "sweepMillis: 200, leaseSeconds: 3, maxAttempts: 5")
                    .runtime("pmsHttp: { connectTimeoutMillis: 1000, responseTimeoutMillis: 1500 }");
        }
        if (!extraSinks.isEmpty()) {
            config.section("delivery", "drainMillis: 200" + (deliveryOptions.isEmpty() ? "" : ", " + deliveryOptions));
        }
        config.fileSink("files", out).sinksYaml(extraSinks);
        for (String source : sources) {
            String id = source + "-1";
            Map<String, String> hooks = apiPort > 0 ? webhookSecrets(source) : Map.of();
            if (apiPort > 0) {
                sim.registerWebhook(source, id, "http://127.0.0.1:" + apiPort + "/webhooks/" + source + "/" + id, hooks);
            }
            config.account(id, source, sim, null, hooks);
        }
        return config.parse();
    }

    /** The secrets a PMS signs its webhooks with, as the account's credentials name them. */
    public static Map<String, String> webhookSecrets(String source) {
        return switch (source) {
            case "hostaway", "ownerrez", "resly", "rentalwise" -> Map.of("webhookUser", "hook-user", "webhookPassword", "hook-password-" + source);
            case "lodgify", "hospitable", "bookingsync" -> Map.of("webhookSecret", "subscription-secret-" + source);
            case "guesty" -> Map.of("webhookSecret", "whsec_" + java.util.Base64.getEncoder().encodeToString("guesty-signing-key-32-bytes-long".getBytes()));
            default -> Map.of("webhookToken", "hook-token-" + source + "-0123456789");
        };
    }

    public static boolean onPostgres() {
        return "postgres".equals(System.getProperty("pms.test.store"));
    }

    /** A fresh, empty store for one runtime. */
    public static String storeUrl() {
        if (!onPostgres()) {
            return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        }
        return postgresStoreUrl();
    }

    /** A fresh schema in the machine's PostgreSQL, whatever the run's store (tests of several nodes need it). */
    public static String postgresStoreUrl() {
        String schema = "pmstest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement st = c.createStatement()) {
            st.execute("create schema " + schema);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a test schema in " + POSTGRES + ": " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(POSTGRES); Statement st = c.createStatement()) {
                st.execute("drop schema if exists " + schema + " cascade");
            } catch (Exception ignored) {
                // best effort: a leftover schema holds only test data
            }
        }));
        System.out.println("test store: PostgreSQL schema " + schema);
        return POSTGRES + "&currentSchema=" + schema;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
