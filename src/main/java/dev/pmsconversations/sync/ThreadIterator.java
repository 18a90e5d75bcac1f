package dev.pmsconversations.sync;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.mapping.TimeFormat;
import dev.pmsconversations.source.AccountClient;
import dev.pmsconversations.source.ApiSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * The threads one poll must look at, read page by page as the split consumes them (memory stays at one
 * page). Applies the source's incremental strategy: sortedDesc stops at the stored cursor; window adds a
 * date filter. A malformed page is reported to {@code onBadPage} and skipped; three in a row end the poll.
 */
final class ThreadIterator implements Iterator<ThreadRef> {
    private static final int MAX_BAD_PAGES_IN_A_ROW = 3;

    private final PollRun run;
    private final AccountClient.Pager pager;
    private final ApiSpec.Incremental incremental;
    private final JsonPointer idPointer;
    private final Instant cursor;
    private final TimeFormat updatedFormat;
    private final ZoneId zone;
    private final Consumer<RuntimeException> onBadPage;
    private final Deque<ThreadRef> buffer = new ArrayDeque<>();
    private boolean exhausted;
    private final JsonPointer windowPointer;
    private final String windowStart;
    private int badPagesInARow;

    ThreadIterator(PollRun run, String storedCursor, ZoneId zone, java.time.Clock clock, Consumer<RuntimeException> onBadPage) {
        this.run = run;
        this.zone = zone;
        this.onBadPage = onBadPage;
        ApiSpec api = run.client.source().api();
        this.incremental = api.incremental();
        this.idPointer = JsonPointer.compile(api.listIdPath());
        this.cursor = storedCursor == null ? null : Instant.parse(storedCursor);
        this.updatedFormat = incremental.updatedFormat() == null ? null : TimeFormat.of(incremental.updatedFormat());
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        if (incremental.strategy().equals("sortedDesc")) {
            extra.putAll(incremental.sortQuery());
        } else if (incremental.strategy().equals("window") && incremental.windowParam() != null) {
            extra.put(incremental.windowParam(), LocalDate.now(clock.withZone(zone)).minusDays(incremental.windowDaysBack())
                    .format(DateTimeFormatter.ofPattern(incremental.windowFormat())));
        }
        this.pager = run.client.pager(api.list(), Map.of(), extra);
        this.windowPointer = incremental.windowPath() == null ? null : JsonPointer.compile(incremental.windowPath());
        this.windowStart = LocalDate.now(clock.withZone(zone)).minusDays(incremental.windowDaysBack()).toString();
    }

    /** True when {@code date} (ISO, date first) is before {@code start} (yyyy-MM-dd); a record without one is kept. */
    private static boolean before(JsonNode date, String start) {
        String v = date.isMissingNode() || date.isNull() ? "" : date.asText();
        return v.length() >= 10 && v.substring(0, 10).compareTo(start) < 0;
    }

    @Override
    public boolean hasNext() {
        while (buffer.isEmpty() && !exhausted) {
            fill();
        }
        return !buffer.isEmpty();
    }

    @Override
    public ThreadRef next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return buffer.poll();
    }

    private void fill() {
        List<JsonNode> page;
        try {
            page = pager.next();
            badPagesInARow = 0;
        } catch (AccountClient.MalformedPageException e) {
            run.complete = false;
            onBadPage.accept(e);
            if (++badPagesInARow >= MAX_BAD_PAGES_IN_A_ROW) {
                exhausted = true;
            }
            return;
        }
        if (page == null) {
            exhausted = true;
            return;
        }
        for (JsonNode record : page) {
            JsonNode id = record.at(idPointer);
            if (id.isMissingNode() || id.isNull() || id.asText().isEmpty()) {
                run.complete = false;
                onBadPage.accept(new IllegalArgumentException("source '" + run.source() + "', account '" + run.accountId()
                        + "', field 'id': a listed thread has no id at native " + idPointer));
                continue;
            }
            if (updatedFormat != null) {
                JsonNode updated = record.at(JsonPointer.compile(incremental.updatedPath()));
                if (!updated.isMissingNode() && !updated.isNull()) {
                    Instant at = updatedFormat.parse(updated.asText(), zone);
                    if (cursor != null && at.isBefore(cursor)) {
                        // sorted newest activity first: everything from here on was seen by an earlier poll
                        pager.stop();
                        exhausted = true;
                        break;
                    }
                    if (run.newestSeen == null || at.isAfter(Instant.parse(run.newestSeen))) {
                        run.newestSeen = TimeFormat.format(at);
                    }
                }
            }
            if (windowPointer != null && before(record.at(windowPointer), windowStart)) {
                continue; // e.g. a stay that ended before the window: its thread is not read
            }
            run.listed.incrementAndGet();
            buffer.add(new ThreadRef(run, id.isNumber() ? Long.toString(id.asLong()) : id.asText(), record));
        }
    }
}
