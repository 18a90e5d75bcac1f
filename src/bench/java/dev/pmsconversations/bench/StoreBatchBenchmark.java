package dev.pmsconversations.bench;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.delivery.DeliveryStore;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.store.Jdbc;
import dev.pmsconversations.store.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The lever "store work per page of threads instead of per conversation", measured on the store alone: a page
 * of {@link #PAGE} new conversations stored the way a poll stores them today (per conversation: read its state, one
 * transaction for the tombstone check, the state and the queued row, then the claim and the delivered mark: four
 * transactions each) against the same statements in one transaction per step for the whole page (four in all).
 * The real StateStore and DeliveryStore on the runtime's H2 file store and on the machine's PostgreSQL; the payload
 * is the Hostaway fixture's unified conversation (snapshot and event alike). Score: time per page.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StoreBatchBenchmark {
    static final int PAGE = 20;

    @Param({"h2", "postgres"})
    public String store;

    private Path dir;
    private StateStore state;
    private DeliveryStore deliveries;
    private Jdbc jdbc;
    private String snapshot;
    private String account;
    private long next;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("store-batch");
        String url = "h2".equals(store) ? "jdbc:h2:file:" + dir.resolve("store")
                : System.getProperty("pms.bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        state = new StateStore(new RuntimeConfig.StoreConfig(url, null, null, null));
        jdbc = state.jdbc();
        deliveries = new DeliveryStore(jdbc);
        BenchFixture fixture = BenchFixture.load("hostaway");
        snapshot = Json.MAPPER.writeValueAsString(fixture.mapping().map(dev.pmsconversations.mapping.NativeBundle.fromJson(fixture.tree())));
        account = "bench-" + UUID.randomUUID();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        jdbc.update("delete from delivery where account_id = ?", account);
        jdbc.update("delete from conversation_state where account_id = ?", account);
        state.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Today: each conversation on its own, as the poll's thread steps store it. */
    @Benchmark
    public int perConversation() {
        int delivered = 0;
        for (int i = 0; i < PAGE; i++) {
            String id = "c" + (next++);
            Instant now = now();
            state.conversation(account, id);
            long[] row = new long[1];
            jdbc.transaction(() -> {
                state.accountRemoved(account);
                row[0] = saveAndQueue(id, now);
            });
            if (deliveries.claim(row[0], now, now.minusSeconds(60))) {
                deliveries.delivered(row[0], now);
                delivered++;
            }
        }
        return allDelivered(delivered);
    }

    /** The lever: the same statements, one transaction per step for the whole page. */
    @Benchmark
    public int perPage() {
        List<String> ids = new ArrayList<>(PAGE);
        for (int i = 0; i < PAGE; i++) {
            ids.add("c" + (next++));
        }
        Instant now = now();
        jdbc.transaction(() -> ids.forEach(id -> state.conversation(account, id)));
        long[] rows = new long[PAGE];
        jdbc.transaction(() -> {
            state.accountRemoved(account);
            for (int i = 0; i < PAGE; i++) {
                rows[i] = saveAndQueue(ids.get(i), now);
            }
        });
        List<Long> claimed = new ArrayList<>(PAGE);
        jdbc.transaction(() -> {
            for (long row : rows) {
                if (deliveries.claim(row, now, now.minusSeconds(60))) {
                    claimed.add(row);
                }
            }
        });
        // (the sink's writes go here: between the claims and the delivered marks)
        jdbc.transaction(() -> claimed.forEach(row -> deliveries.delivered(row, now)));
        return allDelivered(claimed.size());
    }

    /** A new conversation's state and its queued event (in the caller's transaction); returns the row's id. */
    private long saveAndQueue(String id, Instant now) {
        state.saveConversationIfUnchanged(null, account, "hostaway", id, "m", "h" + id, snapshot, "r", "p", now);
        return deliveries.enqueue("files", "e" + id + account, account, "hostaway", id, "conversation.created", snapshot, now)
                .orElseThrow();
    }

    /**
     * Now, as a timestamp column keeps it: a nanosecond instant stored as microseconds can round up past itself, and a
     * claim made with the same instant would then find its row not due yet.
     */
    private static Instant now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** The smoke run's check: every queued row of the page was claimed and marked delivered. */
    private static int allDelivered(int delivered) {
        if (delivered != PAGE) {
            throw new IllegalStateException(delivered + " of " + PAGE + " rows delivered");
        }
        return delivered;
    }
}
