package dev.pmsconversations.sync;

import dev.pmsconversations.mapping.MappingReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the mappings tolerated, counted per source, account, field and kind (docs/mappings.md#tolerance): the first sign
 * that a PMS changed its payloads, before data goes wrong. Each (source, field, kind, value) is logged once as a WARN;
 * the counts are in {@code /v2/status} and the metric {@code pms_mapping_drift_total}.
 */
public final class MappingDrift {
    private static final Logger LOG = LoggerFactory.getLogger(MappingDrift.class);
    private final Map<Key, Count> counts = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile Consumer<Key> listener = k -> { };

    /** What is counted: a field of a source's mapping, of one account, tolerated in one way. */
    public record Key(String source, String accountId, String field, String kind) {
    }

    /** A count and the last native value seen (null when the value was missing). */
    public record Seen(Key key, long count, String lastValue) {
    }

    private static final class Count {
        final LongAdder n = new LongAdder();
        volatile String last;
    }

    /** {@code listener} is told of each occurrence (e.g. to increment a metric). */
    public void onDrift(Consumer<Key> listener) {
        this.listener = listener;
    }

    void note(String accountId, MappingReport report) {
        for (MappingReport.Issue issue : report.issues()) {
            Key key = new Key(report.source(), accountId, issue.field(), issue.kind().label());
            Count c = counts.computeIfAbsent(key, k -> new Count());
            c.n.increment();
            c.last = issue.raw();
            if (warned.add(report.source() + "|" + issue.field() + "|" + issue.kind().label() + "|" + issue.raw())) {
                LOG.warn("[{}/{}] the PMS's payload drifted: {} (tolerated; docs/mappings.md#tolerance)", report.source(), accountId, issue);
            }
            listener.accept(key);
        }
    }

    /** Every count of {@code accounts} (null: every account), by source, field and kind. */
    public List<Seen> seen(java.util.Collection<String> accounts) {
        List<Seen> out = new ArrayList<>();
        counts.forEach((k, c) -> {
            if (accounts == null || accounts.contains(k.accountId())) {
                out.add(new Seen(k, c.n.sum(), c.last));
            }
        });
        out.sort(Comparator.comparing((Seen s) -> s.key().source()).thenComparing(s -> s.key().accountId())
                .thenComparing(s -> s.key().field()).thenComparing(s -> s.key().kind()));
        return out;
    }
}
