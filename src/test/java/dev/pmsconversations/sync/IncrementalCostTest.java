package dev.pmsconversations.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.simulator.SimRequest;
import dev.pmsconversations.testing.RuntimeTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What an incremental poll costs, per source: the requests of a poll with no change and of a poll after one new
 * message, as the simulator counted them. Writes target/benchmarks/incremental-cost.md (docs/benchmarks.md).
 */
class IncrementalCostTest extends RuntimeTestSupport {

    @Test
    void requestsPerPoll() throws Exception {
        awaitFirstPolls();
        StringBuilder md = new StringBuilder("| source | strategy | no change: requests | one new message: requests | calls of the one-new-message poll |\n"
                + "|---|---|---:|---:|---|\n");
        for (String source : SOURCES) {
            String account = source + "-1";
            sim.clearRequests();
            poll(account);
            int quiet = sim.requests(source, account).size();
            String thread = sim.threadIds(source, account).get(0);
            sim.addMessage(source, account, thread, "One more question", true);
            int events = events(account).size();
            sim.clearRequests();
            poll(account);
            List<SimRequest> calls = sim.requests(source, account);
            assertThat(events(account)).as(source + ": the new message is delivered").hasSize(events + 1);
            String strategy = pms.sources().get(source).api().incremental().strategy();
            md.append("| ").append(source).append(" | ").append(strategy).append(" | ").append(quiet).append(" | ").append(calls.size())
                    .append(" | ").append(calls.stream().map(r -> r.method() + " " + r.path().replaceAll("/\\d{3,}", "/{id}"))
                            .collect(Collectors.joining(", "))).append(" |\n");
        }
        Path out = Path.of("target", "benchmarks");
        Files.createDirectories(out);
        Files.writeString(out.resolve("incremental-cost.md"), md.toString());
        System.out.println(md);
    }
}
