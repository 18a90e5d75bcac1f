package dev.pmsconversations.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.pmsconversations.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP endpoint on 127.0.0.1 playing a user's webhook consumer: answers from a script (then 200),
 * records every request with its time, and can go down and come back on the same port.
 */
public final class HttpReceiver implements AutoCloseable {
    private final int port;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile long delayMillis;

    /** A planned answer. */
    public record Answer(int status, Map<String, String> headers) {
    }

    /** A request as it arrived, and what it was answered. */
    public record Received(Instant at, String body, Map<String, String> headers, int answered) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    public HttpReceiver() {
        this.port = TestRuntime.freePort();
        start();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/events";
    }

    /** The next requests are answered {@code status} (with {@code headers}), in order; later ones 200. */
    public synchronized HttpReceiver then(int status, Map<String, String> headers, int times) {
        for (int i = 0; i < times; i++) {
            script.add(new Answer(status, headers));
        }
        return this;
    }

    /** Every answer comes this much later (a slow consumer). */
    public HttpReceiver slowDown(long millis) {
        this.delayMillis = millis;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Requests answered 2xx, in arrival order. */
    public List<Received> accepted() {
        return received.stream().filter(r -> r.answered() / 100 == 2).toList();
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public synchronized void start() {
        try {
            dev.pmsconversations.simulator.PmsSimulator.noDelay();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
            server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", http -> {
            String body = new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            http.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.get(0)));
            Answer a;
            synchronized (this) {
                a = script.isEmpty() ? new Answer(200, Map.of()) : script.poll();
            }
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis); // a slow consumer: the answer is late
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            received.add(new Received(Instant.now(), body, headers, a.status()));
            a.headers().forEach((k, v) -> http.getResponseHeaders().set(k, v));
            byte[] out = ("{\"status\":" + a.status() + "}").getBytes(StandardCharsets.UTF_8);
            http.sendResponseHeaders(a.status(), out.length);
            try (OutputStream o = http.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
    }

    @Override
    public void close() {
        stop();
    }
}
