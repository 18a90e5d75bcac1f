package dev.pmsconversations.sync;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.mapping.TimeFormat;
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
    private dev.pmsconversations.source.Pager pager;
    /** With list.parent: the parents' pager, the parent ids still to list under, and the list's own query. */
    private dev.pmsconversations.source.Pager parentPager;
    private final Deque<String> parentIds = new ArrayDeque<>();
    private Map<String, String> listExtra = Map.of();
    private final ApiSpec.Incremental incremental;
    private final JsonPointer idPointer;
    private final Instant cursor;
    private final TimeFormat updatedFormat;
    private final ZoneId zone;
    private final Consumer<RuntimeException> onBadPage;
    private final Deque<ThreadRef> buffer = new ArrayDeque<>();
    private boolean exhausted;
    private final JsonPointer windowPointer;
    private final ApiSpec.Activity activity;
    private final Instant activitySince;
    private final TimeFormat activityTime;
    private final Instant now;
    private final java.util.Set<String> activityThreads = new java.util.HashSet<>();
    private final String windowStart;
    private int badPagesInARow;

    ThreadIterator(PollRun run, String storedCursor, ZoneId zone, java.time.Clock clock, Consumer<RuntimeException> onBadPage) {
        this.run = run;
        this.zone = zone;
        this.onBadPage = onBadPage;
        ApiSpec api = run.client.source().api();
        this.incremental = api.incremental();
        this.idPointer = JsonPointer.compile(api.listIdPath());
        this.activity = incremental.activity();
        Instant[] activityCursor = activity == null ? null : activityCursor(storedCursor, clock.instant(), activity.withinDays());
        this.activitySince = activityCursor == null ? null : activityCursor[0];
        this.cursor = storedCursor == null || activity != null ? null : Instant.parse(storedCursor);
        this.updatedFormat = incremental.updatedFormat() == null ? null : TimeFormat.of(incremental.updatedFormat());
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        if (incremental.strategy().equals("sortedDesc")) {
            extra.putAll(incremental.sortQuery());
        } else if (incremental.strategy().equals("updatedSince") && cursor != null) {
            // a second early: whether the PMS's filter includes its own time or not, a thread updated again in the
            // cursor's second is listed (its unchanged marker keeps the others from being read again)
            extra.put(incremental.windowParam(), TimeFormat.format(cursor.minusSeconds(1)));
        } else if ((incremental.strategy().equals("window") || incremental.activity() != null) && incremental.windowParam() != null) {
            extra.put(incremental.windowParam(), LocalDate.now(clock.withZone(zone)).minusDays(incremental.windowDaysBack())
                    .format(DateTimeFormatter.ofPattern(incremental.windowFormat())));
        }
        if (activitySince != null) {
            // only the threads with a message newer than the newest one seen at the last poll
            this.pager = run.client.pager(activity.request(), Map.of(), Map.of());
            this.activityTime = TimeFormat.of(activity.timeFormat());
            run.newestSeen = activityCursorText(activitySince, clock.instant());
        } else {
            if (api.listParent() != null) {
                this.parentPager = run.client.pager(api.listParent().request(), Map.of(), Map.of());
                this.listExtra = extra;
            } else {
                this.pager = run.client.pager(api.list(), Map.of(), extra);
            }
            this.activityTime = null;
            if (activity != null) {
                // a full poll: from here on, activity after (about) now is what the next poll looks for
                run.newestSeen = activityCursorText(clock.instant().minusSeconds(300), clock.instant());
            }
        }
        this.now = clock.instant();
        this.windowPointer = incremental.windowPath() == null ? null : JsonPointer.compile(incremental.windowPath());
        this.windowStart = LocalDate.now(clock.withZone(zone)).minusDays(incremental.windowDaysBack()).toString();
    }

    /** Starts the list under the next parent id (reading parent pages as needed); false when there is none left. */
    private boolean nextParent() {
        ApiSpec.ListParent parent = run.client.source().api().listParent();
        while (parentIds.isEmpty()) {
            List<JsonNode> parents = parentPager.next();
            if (parents == null) {
                return false;
            }
            for (JsonNode p : parents) {
                JsonNode id = p.at(parent.idPath());
                if (!id.isMissingNode() && !id.isNull() && !id.asText().isEmpty()) {
                    parentIds.add(id.asText());
                }
            }
        }
        Map<String, String> query = new java.util.LinkedHashMap<>(listExtra);
        query.put(parent.param(), parentIds.poll());
        pager = run.client.pager(run.client.source().api().list(), Map.of(), query);
        return true;
    }

    /** Strategy activity: the threads of the listed messages that are newer than the cursor, each read through "get". */
    private void fillFromActivity(List<JsonNode> messages) {
        Instant newest = Instant.parse(run.newestSeen.substring(0, run.newestSeen.indexOf('|')));
        for (JsonNode m : messages) {
            JsonNode id = m.at(activity.threadIdPath());
            JsonNode time = m.at(activity.timePath());
            if (id.isMissingNode() || id.isNull() || time.isMissingNode() || time.isNull()) {
                continue;
            }
            Instant at;
            try {
                at = activityTime.parse(time.asText(), zone);
            } catch (IllegalArgumentException e) {
                run.complete = false;
                onBadPage.accept(new IllegalArgumentException("source '" + run.source() + "', account '" + run.accountId()
                        + "', field '" + activity.timePath() + "': " + e.getMessage()));
                continue;
            }
            if (!at.isAfter(activitySince)) {
                continue;
            }
            newest = at.isAfter(newest) ? at : newest;
            String threadId = id.asText();
            if (activityThreads.add(threadId)) {
                try {
                    buffer.add(new ThreadRef(run, threadId, run.client.fetchRecord(threadId)));
                    run.listed.incrementAndGet();
                } catch (RuntimeException e) {
                    run.complete = false; // read again at the next poll: the cursor does not move past it
                    onBadPage.accept(e);
                }
            }
        }
        // newest seen within seconds of now: a message later in that same second would not be "newer" at the next
        // poll, so that poll looks again from the second before
        run.newestSeen = activityCursorText(Changes.unsettled(newest, now) ? newest.minusSeconds(1) : newest, now);
    }

    /** "newest activity|poll time"; null (= list the window) without one, or when the last poll is too long ago. */
    private static Instant[] activityCursor(String stored, Instant now, int withinDays) {
        int bar = stored == null ? -1 : stored.indexOf('|');
        if (bar < 0) {
            return null;
        }
        try {
            Instant since = Instant.parse(stored.substring(0, bar));
            Instant polled = Instant.parse(stored.substring(bar + 1));
            // the activity call sees withinDays back; an hour of margin for clock differences
            return polled.isAfter(now.minus(java.time.Duration.ofDays(withinDays)).plusSeconds(3600)) ? new Instant[] {since, polled} : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String activityCursorText(Instant since, Instant polled) {
        return TimeFormat.format(since) + "|" + TimeFormat.format(polled);
    }

    /** One record per thread: listed records as they are, or, with {@code list.explode}, one per thread id they hold. */
    private List<JsonNode> explode(List<JsonNode> page) {
        ApiSpec.Explode explode = run.client.source().api().listExplode();
        if (explode == null) {
            return page;
        }
        List<JsonNode> out = new java.util.ArrayList<>();
        JsonPointer path = JsonPointer.compile(explode.path());
        for (JsonNode record : page) {
            for (JsonNode thread : record.at(path)) {
                com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) record).deepCopy();
                copy.set(explode.as(), thread);
                out.add(copy);
            }
        }
        return out;
    }

    /** True when {@code date} (ISO, date first) is before {@code start} (yyyy-MM-dd); a record without one is kept. */
    private static boolean before(JsonNode date, String start) {
        String v = date.isMissingNode() || date.isNull() ? "" : date.asText();
        return v.length() >= 10 && v.substring(0, 10).compareTo(start) < 0;
    }

    @Override
    public boolean hasNext() {
        if (failure != null) {
            return false; // the poll has failed already: the splitter asks once more when it winds up
        }
        try {
            while (buffer.isEmpty() && !exhausted) {
                fill();
            }
        } catch (RuntimeException e) {
            failure = e;
            throw e;
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

    /** What failed the poll (PMS down, credentials refused), thrown once: the poll's failure path reports it. */
    private RuntimeException failure;

    private void fill() {
        List<JsonNode> page;
        try {
            if (pager == null && !nextParent()) {
                exhausted = run.listComplete = true;
                return;
            }
            page = pager.next();
            badPagesInARow = 0;
        } catch (dev.pmsconversations.source.MalformedPageException e) {
            run.complete = false;
            onBadPage.accept(e);
            if (++badPagesInARow >= MAX_BAD_PAGES_IN_A_ROW) {
                exhausted = run.listComplete = true;
            }
            return;
        }
        if (page == null) {
            if (parentPager != null) {
                pager = null; // this parent's list is done: on to the next parent
                return;
            }
            exhausted = run.listComplete = true;
            return;
        }
        if (activityTime != null) {
            fillFromActivity(page);
            return;
        }
        for (JsonNode record : explode(page)) {
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
                    if (cursor != null && at.isBefore(cursor) && incremental.strategy().equals("sortedDesc")) {
                        // sorted newest activity first: everything from here on was seen by an earlier poll
                        pager.stop();
                        exhausted = run.listComplete = true;
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
