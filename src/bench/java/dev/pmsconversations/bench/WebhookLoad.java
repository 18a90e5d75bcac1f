package dev.pmsconversations.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded webhook load: {@code rate} requests per second for {@code seconds} (after a warm-up), open loop (each
 * request leaves at its planned time whatever the answers do, and its latency counts from that time, so a stall is
 * not hidden), then stops by itself. First against a baseline (a bare JDK HTTP server on the same machine answering
 * 202: the floor of client, loopback and HTTP), then against the runtime's webhook URL; prints both and the ratio.
 *
 * <p>{@code java -cp target/benchmarks.jar dev.pmsconversations.bench.WebhookLoad <webhook url> <rate> <seconds> <booking ids>
 * [<runtime pid> [<warm-up seconds, 30>]]}
 */
public final class WebhookLoad {
    private static final int MAX_IN_FLIGHT = 4000;

    private WebhookLoad() {
    }

    record Result(String target, int sent, int errors, int dropped, double seconds, long[] latenciesMicros, long[] p99PerSecondMicros) {
        long percentile(double p) {
            if (latenciesMicros.length == 0) {
                return 0;
            }
            return latenciesMicros[Math.min(latenciesMicros.length - 1, (int) Math.ceil(p / 100 * latenciesMicros.length) - 1)];
        }
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        List<String> bookings = Arrays.asList(args[3].split(","));
        long runtimePid = args.length > 4 ? Long.parseLong(args[4]) : -1; // its CPU during the measured run, from /proc
        // the same load before each measured run, unmeasured: long enough for the JIT to finish its work (on 2 cores a
        // runtime still compiling competes with its own requests: seconds-long tails in the first minute)
        int warmup = Math.min(args.length > 5 ? Integer.parseInt(args[5]) : 30, seconds);
        // the JDK server's default leaves Nagle on: answers then wait ~40 ms for the client's delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer baseline = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        baseline.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] out = "{\"received\":true}".getBytes();
            ex.sendResponseHeaders(202, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        baseline.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(16));
        baseline.start();
        try {
            String baseUrl = "http://127.0.0.1:" + baseline.getAddress().getPort() + "/webhooks";
            // one client per target for its warm-up and its measured run: the measured run starts on the warm-up's open
            // connections, as a PMS's steady stream of webhooks does (with a fresh client the measured run started with
            // none while the warm-up's ~4,000, opened while the runtime was cold, sat idle; its first seconds' answers
            // took up to 0.8 s)
            HttpClient baseClient = newClient();
            run(baseClient, baseUrl, rate, warmup, bookings, 0); // warm-up of the client
            Result base = run(baseClient, baseUrl, rate, seconds, bookings, 1_000_000);
            HttpClient runtimeClient = newClient();
            run(runtimeClient, url, rate, warmup, bookings, 2_000_000); // warm-up of the runtime's path
            long cpuBefore = cpuTicks(runtimePid);
            Result runtime = run(runtimeClient, url, rate, seconds, bookings, 3_000_000);
            long cpuTicks = cpuTicks(runtimePid) - cpuBefore;
            System.out.println();
            System.out.printf(Locale.ROOT, "| target | requests | rate achieved | errors | dropped (generator at %d in flight) | p50 | p90 | p99 | p99.9 | max |%n", MAX_IN_FLIGHT);
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Result r : List.of(base, runtime)) {
                System.out.printf(Locale.ROOT, "| %s | %d | %.0f/s | %d | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n", r.target(), r.sent(),
                        r.sent() / r.seconds(), r.errors(), r.dropped(), r.percentile(50) / 1000.0, r.percentile(90) / 1000.0,
                        r.percentile(99) / 1000.0, r.percentile(99.9) / 1000.0, r.percentile(100) / 1000.0);
            }
            // when the slow answers came: a steady tail, or episodes (which second, how long) to line up with the GC log
            for (Result r : List.of(base, runtime)) {
                System.out.printf(Locale.ROOT, "%n%s, p99 of each second's requests (ms): %s", r.target(),
                        Arrays.stream(r.p99PerSecondMicros()).mapToObj(m -> String.format(Locale.ROOT, "%.0f", m / 1000.0))
                                .collect(java.util.stream.Collectors.joining(" ")));
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%nruntime ÷ baseline: p50 %.1f×, p99 %.1f×%n",
                    (double) runtime.percentile(50) / Math.max(1, base.percentile(50)), (double) runtime.percentile(99) / Math.max(1, base.percentile(99)));
            if (runtimePid > 0) {
                double cpuSeconds = cpuTicks / 100.0; // USER_HZ
                System.out.printf(Locale.ROOT, "runtime CPU during its run: %.2f cores, %.2f ms per request (the thread syncs its webhooks ask for included)%n",
                        cpuSeconds / runtime.seconds(), 1000 * cpuSeconds / runtime.sent());
            }
            if (runtime.errors() > 0 || runtime.dropped() > 0) {
                System.exit(1);
            }
        } finally {
            baseline.stop(0);
            ((java.util.concurrent.ExecutorService) baseline.getExecutor()).shutdownNow();
        }
    }

    /** User + system CPU ticks of a process (fields 14 and 15 of /proc/pid/stat), 0 without a pid. */
    private static long cpuTicks(long pid) throws java.io.IOException {
        if (pid <= 0) {
            return 0;
        }
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Smoobu's newMessage webhook, a new message id each time (the runtime dedupes identical deliveries). */
    private static String body(long messageId, String bookingId) {
        return "{\"action\":\"newMessage\",\"user\":77001,\"data\":{\"id\":" + messageId + ",\"subject\":\"\",\"message\":\"load test "
                + messageId + "\",\"type\":1,\"booking\":{\"id\":" + bookingId + "}}}";
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static Result run(HttpClient client, String url, int rate, int seconds, List<String> bookings, long firstId) throws InterruptedException {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger done = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        int dropped = 0;
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long planned = start + i * intervalNanos;
            long wait = planned - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (!inFlight.tryAcquire()) {
                dropped++;
                latencies[i] = Long.MAX_VALUE;
                done.incrementAndGet();
                continue;
            }
            int n = i;
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(firstId + i, bookings.get(i % bookings.size())))).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                latencies[n] = (System.nanoTime() - planned) / 1000;
                if (failure != null || response.statusCode() / 100 != 2) {
                    errors.incrementAndGet();
                    if (firstErrors.size() < 3) {
                        firstErrors.add(failure != null ? failure.toString() : "HTTP " + response.statusCode());
                    }
                }
                inFlight.release();
                done.incrementAndGet();
            });
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (done.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long[] sorted = Arrays.stream(latencies).filter(l -> l != Long.MAX_VALUE).sorted().toArray();
        long[] p99PerSecond = new long[seconds];
        for (int second = 0; second < seconds; second++) {
            long[] slice = Arrays.stream(latencies, second * rate, (second + 1) * rate).filter(l -> l != Long.MAX_VALUE).sorted().toArray();
            p99PerSecond[second] = slice.length == 0 ? 0 : slice[Math.min(slice.length - 1, (int) Math.ceil(0.99 * slice.length) - 1)];
        }
        if (!firstErrors.isEmpty()) {
            System.out.println("errors at " + url.replaceAll("token=[^&]*", "token=…") + ": " + firstErrors);
        }
        return new Result(url.contains("/webhooks/") && !url.endsWith("/webhooks") ? "runtime (POST /webhooks/smoobu/…)" : "baseline (bare JDK HttpServer)",
                total, errors.get() + (total - done.get()), dropped, sendSeconds, sorted, p99PerSecond);
    }
}
