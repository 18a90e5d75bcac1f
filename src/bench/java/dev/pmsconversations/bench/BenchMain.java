package dev.pmsconversations.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of target/benchmarks.jar: JMH's own command line, plus {@code --smoke}, the smallest setting (one
 * fork, one 500 ms warm-up and one 500 ms measurement per benchmark): it runs every setup check, which is what a CI
 * run is for, in well under a minute; its scores are not worth quoting.
 */
public final class BenchMain {
    /** -foe true: a failed setup check ends the run with a non-zero exit (JMH goes on and exits 0 by default). */
    static final List<String> SMOKE = List.of("-f", "1", "-wi", "1", "-i", "1", "-w", "500ms", "-r", "500ms", "-foe", "true");

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        // fail before JMH forks, with the reason, rather than once per benchmark inside each fork
        if (!Files.isDirectory(BenchFixture.MAPPINGS) || !Files.isDirectory(BenchFixture.FIXTURES)) {
            System.err.println("error: run from the project root (needs ./" + BenchFixture.MAPPINGS + " and ./" + BenchFixture.FIXTURES + ")");
            System.exit(2);
        }
        List<String> jmh = new ArrayList<>(List.of(args));
        if (jmh.remove("--smoke")) {
            // JMH refuses an option given twice: the smoke values fill in only what the caller did not set
            for (int i = 0; i < SMOKE.size(); i += 2) {
                if (!jmh.contains(SMOKE.get(i))) {
                    jmh.addAll(0, SMOKE.subList(i, i + 2));
                }
            }
        }
        org.openjdk.jmh.Main.main(jmh.toArray(String[]::new));
    }
}
