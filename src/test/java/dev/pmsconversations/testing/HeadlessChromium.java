package dev.pmsconversations.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium, driven over the DevTools protocol (a WebSocket of JSON commands): a test loads a page
 * at a given viewport size, evaluates JavaScript in it (to measure what the browser laid out) and takes a screenshot.
 * One browser process with one tab; {@link #close()} ends that process.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Starts the browser with one blank tab and connects to that tab. */
    public static HeadlessChromium start() throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile");
        Process p = new ProcessBuilder(BINARY.toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-dev-shm-usage", "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile,
                "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String browser = devToolsAddress(p);
            URI base = URI.create(browser.replaceFirst("^ws://", "http://").replaceFirst("/devtools/.*$", ""));
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(base.resolve("/json/list")).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String tab = null;
            for (JsonNode t : targets) {
                tab = tab == null && "page".equals(t.path("type").asText()) ? t.path("webSocketDebuggerUrl").asText() : tab;
            }
            if (tab == null) {
                throw new IllegalStateException("chromium opened no tab: " + targets);
            }
            HeadlessChromium[] self = new HeadlessChromium[1];
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(tab), new Listener(m -> {
                if (self[0] != null) { // nothing is asked before it is set
                    self[0].answer(m);
                }
            }))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(p, profile, ws);
            self[0].call("Page.enable", Json.MAPPER.createObjectNode());
            return self[0];
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** The browser prints its DevTools address on stderr once it listens; read until then (bounded). */
    private static String devToolsAddress(Process p) throws Exception {
        CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        String address = m.group(1);
                        Thread drain = new Thread(() -> err.lines().forEach(l -> { })); // keeps the pipe from filling
                        drain.setDaemon(true);
                        drain.start();
                        return address;
                    }
                }
                throw new IllegalStateException("chromium exited without a DevTools address");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return found.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The tab's layout viewport: {@code width} x {@code height} CSS pixels at scale 1. */
    public void viewport(int width, int height) throws Exception {
        call("Emulation.setDeviceMetricsOverride", Json.MAPPER.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", false));
    }

    public void navigate(String url) throws Exception {
        call("Page.navigate", Json.MAPPER.createObjectNode().put("url", url));
    }

    /** The value of a JavaScript expression in the page (JSON-serialisable values only). */
    public JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Json.MAPPER.createObjectNode().put("expression", expression).put("returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("the page's JavaScript failed: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** A PNG of the whole page at the viewport's width (the viewport grows to the page's height for it). */
    public void screenshot(Path png, int width) throws Exception {
        int height = evaluate("document.documentElement.scrollHeight").asInt();
        viewport(width, height);
        JsonNode r = call("Page.captureScreenshot", Json.MAPPER.createObjectNode().put("format", "png"));
        Files.write(png, Base64.getDecoder().decode(r.get("data").asText()));
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        socket.sendText(Json.MAPPER.createObjectNode().put("id", id).put("method", method).set("params", params).toString(), true)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode reply = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    /** A message from the browser: the answer to a call (events, which have no id, are not needed). */
    private void answer(String message) {
        try {
            JsonNode m = Json.MAPPER.readTree(message);
            CompletableFuture<JsonNode> f = m.has("id") ? waiting.remove(m.get("id").asLong()) : null;
            if (f != null) {
                f.complete(m);
            }
        } catch (IOException e) {
            waiting.values().forEach(f -> f.completeExceptionally(e));
        }
    }

    @Override
    public void close() throws Exception {
        socket.abort();
        // the browser's helper processes (network service, renderer) write into the profile while shutting down:
        // all of them are waited for before it is deleted
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : helpers) {
            h.destroy();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                h.destroyForcibly();
            }
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Joins the text frames of each message (a screenshot comes in many) and hands over whole messages. */
    private static final class Listener implements WebSocket.Listener {
        private final java.util.function.Consumer<String> messages;
        private final List<CharSequence> parts = new ArrayList<>();

        Listener(java.util.function.Consumer<String> messages) {
            this.messages = messages;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            parts.add(data.toString());
            if (last) {
                messages.accept(String.join("", parts));
                parts.clear();
            }
            ws.request(1);
            return null;
        }
    }
}
