package dev.pmsconversations.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.simulator.SimRequest;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What an incremental poll costs, per source: the requests of a poll with no change and of a poll after one new
 * message, as the simulator counted them, against the "Incremental cost" table of docs/benchmarks.md. The table is
 * the expectation: each source's counts must equal its "the API's minimum" column, and the measured counts and calls
 * must equal the table's, so the docs cannot claim a cost the runtime does not have. Writes the measured table, in
 * the docs' format, to target/benchmarks/incremental-cost.md.
 */
class IncrementalCostTest extends RuntimeTestSupport {
    private static final Path DOC = Path.of("docs", "benchmarks.md");
    private static final String HEADER = "| source | strategy | no change: requests | one new message: requests | calls of the one-new-message poll "
            + "| the API's minimum (no change / one new) |";

    /** One row of the docs' table. */
    private record Row(String source, String strategy, int quiet, int oneNew, String calls, String minimum) {
        String markdown() {
            return "| " + String.join(" | ", source, strategy, Integer.toString(quiet), Integer.toString(oneNew), calls, minimum) + " |";
        }
    }

    @Test
    void requestsPerPollAreTheDocumentedMinimum() throws Exception {
        Map<String, Row> documented = documentedRows();
        assertThat(documented.keySet()).as(DOC + ": one row per source").containsExactlyElementsOf(SOURCES);
        awaitFirstPolls();
        StringBuilder md = new StringBuilder(HEADER + "\n|---|---|---:|---:|---|---|\n");
        for (String source : SOURCES) {
            Row doc = documented.get(source);
            String account = source + "-1";
            // the minimum column, in the docs' words: a number, "N + bookings in the window" (one per thread of the
            // account's window here), or "same" (as the no-change poll)
            int bookings = sim.threadIds(source, account).size();
            String[] minimum = doc.minimum().split(" / ");
            int quietMinimum = minimum(minimum[0], bookings, -1);
            int oneNewMinimum = minimum(minimum[1], bookings, quietMinimum);
            assertThat(doc.quiet()).as(DOC + ", " + source + ": the no-change count is the minimum").isEqualTo(quietMinimum);
            assertThat(doc.oneNew()).as(DOC + ", " + source + ": the one-new-message count is the minimum").isEqualTo(oneNewMinimum);
            assertThat(doc.strategy()).as(DOC + ", " + source).isEqualTo(pms.sources().get(source).api().incremental().strategy());

            sim.clearRequests();
            poll(account);
            int quiet = sim.requests(source, account).size();
            // written at the simulator's now, months from the runtime's pinned clock: settled, so the documented
            // exception (a thread read within 5 s of its newest message is read again) does not apply
            sim.addMessage(source, account, sim.threadIds(source, account).get(0), "One more question", true);
            int events = events(account).size();
            sim.clearRequests();
            poll(account);
            List<SimRequest> requests = sim.requests(source, account);
            assertThat(events(account)).as(source + ": the new message is delivered").hasSize(events + 1);
            String calls = requests.stream().map(r -> r.method() + " " + pathShape(r.path())).collect(Collectors.joining(", "));
            Row measured = new Row(source, doc.strategy(), quiet, requests.size(), calls, doc.minimum());
            md.append(measured.markdown()).append('\n');

            assertThat(quiet).as(source + ": requests of a poll with no change").isEqualTo(doc.quiet());
            assertThat(requests).as(source + ": requests of the poll after one new message").hasSize(doc.oneNew());
            assertThat(calls).as(source + ": calls of the poll after one new message").isEqualTo(doc.calls());
        }
        Path out = Path.of("target", "benchmarks");
        Files.createDirectories(out);
        Files.writeString(out.resolve("incremental-cost.md"), md.toString());
        System.out.println(md);
    }

    /** "2", "1 + bookings in the window", or "same" (then {@code same}). */
    private static int minimum(String text, int bookings, int same) {
        String t = text.trim();
        if (t.equals("same")) {
            return same;
        }
        String window = " + bookings in the window";
        return t.endsWith(window) ? Integer.parseInt(t.substring(0, t.length() - window.length())) + bookings : Integer.parseInt(t);
    }

    /** A request path with its ids as {id} (a list of ids {ids}); API versions (v1, v3.2) are kept. */
    static String pathShape(String path) {
        return java.util.Arrays.stream(path.split("/", -1))
                .map(s -> s.contains(",") ? "{ids}" : s.matches(".*\\d.*") && !s.matches("v\\d+(\\.\\d+)?") ? "{id}" : s)
                .collect(Collectors.joining("/"));
    }

    /** The rows of the docs' table, by source, in the docs' order. */
    private static Map<String, Row> documentedRows() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int header = lines.indexOf(HEADER);
        assertThat(header).as(DOC + ": the incremental cost table's header").isNotNegative();
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            String[] cells = line.substring(1, line.length() - 1).split("\\|");
            assertThat(cells).as(DOC + ": " + line).hasSize(6);
            Row row = new Row(cells[0].trim(), cells[1].trim(), Integer.parseInt(cells[2].trim()), Integer.parseInt(cells[3].trim()),
                    cells[4].trim(), cells[5].trim());
            rows.put(row.source(), row);
        }
        return rows;
    }
}
