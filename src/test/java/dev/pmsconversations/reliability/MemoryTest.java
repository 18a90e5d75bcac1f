package dev.pmsconversations.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.simulator.PmsSimulator;
import dev.pmsconversations.simulator.SimAccount;
import dev.pmsconversations.simulator.SimThread;
import dev.pmsconversations.testing.RuntimeProcess;
import dev.pmsconversations.testing.TestMappings;
import dev.pmsconversations.testing.TestConfig;
import dev.pmsconversations.testing.TestRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory does not grow with what is synced: a runtime with a 64 MB heap syncs one account whose threads hold several
 * times that much text (800 threads × 8 messages × 8 KB, about 51 MB of message text, several copies of it as
 * native JSON, unified model, snapshot and event), PostgreSQL as the store. Pages are streamed, each thread is
 * mapped, stored and written to the file sink on its own, and nothing keeps it afterwards.
 */
class MemoryTest {
    private static final int THREADS = 800;
    private static final int MESSAGES = 8;
    /**
     * Heap in use after a full GC once everything is synced (docs/reliability.md). Measured: 21–22 MB, and as much
     * after syncing 1 thread instead of 800: it is the runtime itself (Camel, routes, mappings, the store's pool).
     * The bound leaves about 10 MB for what varies between runs and machines (G1's 1 MB regions, caches filling);
     * keeping a quarter of the synced conversations (about 13 MB of text) took it to 34 MB. It stays well under
     * -Xmx64m, so a leak of up to about 40 MB fails this assertion rather than the run; a bigger one ends in the
     * OutOfMemoryError the test also checks for.
     */
    private static final long HEAP_AFTER_GC_BOUND = 32L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aSmallHeapSyncsMoreThanItHolds() throws Exception {
        try (PmsSimulator sim = new PmsSimulator(0, 31)) {
            SimAccount account = sim.source("hostaway").seed("big", THREADS, MESSAGES);
            String text = "x".repeat(8000);
            for (SimThread t : account.threads) {
                for (int i = 0; i < t.messages.size(); i++) {
                    t.messages.get(i).put("body", t.id + "/" + i + " " + text);
                }
            }
            Path out = dir.resolve("out");
            Path mappings = TestMappings.withRateLimit(dir.resolve("mappings"), "hostaway", 1000, 1);
            Path config = TestConfig.onStore(TestRuntime.postgresStoreUrl()).mappings(mappings).fileSink("files", out)
                    .account("big", "hostaway", sim, "1h", java.util.Map.of()).write(dir.resolve("memory.yaml"));

            try (RuntimeProcess runtime = RuntimeProcess.start(config, "memory", "-Xmx64m")) {
                Path conversations = out.resolve("conversations").resolve("hostaway").resolve("big");
                Awaitility.await("every thread written by the file sink").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> !runtime.alive() || count(conversations) >= THREADS);
                assertThat(runtime.alive()).as(runtime.logTail(30)).isTrue();
                assertThat(count(conversations)).isEqualTo(THREADS);
                assertThat(runtime.logLines()).noneMatch(l -> l.contains("OutOfMemoryError"));
                long heapUsed = runtime.heapUsedAfterGc();
                System.out.printf("memory: %d threads x %d messages of 8 KB synced with -Xmx64m; heap used after a full GC: %.1f MB%n",
                        THREADS, MESSAGES, heapUsed / 1048576.0);
                assertThat(heapUsed).as("heap used after a full GC (bytes)").isLessThan(HEAP_AFTER_GC_BOUND);
            }
        }
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }
}
