package dev.pmsconversations.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pmsconversations.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 speaking the native APIs of the simulated PMSs, each under its own
 * prefix ({@code http://127.0.0.1:<port>/<source>/...}). Deterministic seeded data, request log, fault
 * injection, a per-account rate limit (429 + Retry-After), and a control API to add messages while running:
 * {@code POST /_sim/<source>/<account>/threads/<threadId>/messages {"body": "...", "fromGuest": true}}.
 */
public final class PmsSimulator implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, SimSource> sources = new LinkedHashMap<>();
    private final List<SimRequest> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<SimFault>> faults = new ConcurrentHashMap<>();
    /** Per source, the limits enforced: {requests, perSeconds, 1 when counted over every account (per IP) else 0}. */
    private final Map<String, List<int[]>> rateLimits = new ConcurrentHashMap<>();
    private volatile long latencyMillis;
    private final java.util.concurrent.atomic.AtomicInteger throttled = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, java.util.List<Long>> recentCalls = new ConcurrentHashMap<>();
    /** When the request this thread handles arrived (rate limits count arrivals). */
    private final ThreadLocal<Long> arrival = new ThreadLocal<>();
    private final List<SimSend> sends = new CopyOnWriteArrayList<>();
    private final Map<String, Instant> lastAdded = new ConcurrentHashMap<>();
    /** The partner application registered with the simulated BookingSync (the connect page's OAuth flow runs with it). */
    public static final String BOOKINGSYNC_APP_CLIENT_ID = BookingSyncSim.APP_CLIENT_ID;
    public static final String BOOKINGSYNC_APP_CLIENT_SECRET = BookingSyncSim.APP_CLIENT_SECRET;
    /** Our application as registered with the simulated OwnerRez (its authorize page and token endpoint). */
    public static final String OWNERREZ_APP_CLIENT_ID = OwnerRezSim.APP_CLIENT_ID;
    public static final String OWNERREZ_APP_CLIENT_SECRET = OwnerRezSim.APP_CLIENT_SECRET;
    private final Map<String, Registration> webhooks = new ConcurrentHashMap<>();
    /** Subscriptions made through the simulated webhook APIs: source/account to the subscription's id. */
    private final Map<String, String> subscriptions = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong subscriptionIds = new java.util.concurrent.atomic.AtomicLong(7000);
    private final List<SimWebhook> webhookCalls = new CopyOnWriteArrayList<>();
    private final java.net.http.HttpClient webhookClient = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();
    private final java.util.concurrent.ExecutorService webhookSender = Executors.newSingleThreadExecutor();

    private final List<ServedFault> served = new CopyOnWriteArrayList<>();
    /** By a sequence number: two requests alike in every field are still two. */
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong requestSeq = new java.util.concurrent.atomic.AtomicLong();
    private final List<Long> throttledEarly = new CopyOnWriteArrayList<>();

    /** A request that has arrived and is not answered yet: which node holds it open (kills aimed by observation). */
    public record InFlight(String source, String method, String path, String node, Instant arrived) {
    }

    /** An injected fault as it was served: to which request, when. */
    public record ServedFault(String source, String method, String path, SimFault fault, Instant at) {
    }

    /** Where (and with which secrets) a simulated account sends its webhooks. */
    record Registration(String url, Map<String, String> secrets) {
    }

    public PmsSimulator(int port, long seed) throws IOException {
        register(new HostawaySim(seed));
        register(new GuestySim(seed));
        register(new SmoobuSim(seed));
        register(new HostifySim(seed));
        register(new Beds24Sim(seed));
        register(new HostfullySim(seed));
        register(new LodgifySim(seed));
        register(new OwnerRezSim(seed));
        register(new HostexSim(seed));
        register(new FantasticStaySim(seed));
        register(new YourRentalsSim(seed));
        register(new RentalWiseSim(seed));
        register(new ReslySim(seed));
        register(new HospitableSim(seed));
        register(new BookingSyncSim(seed));
        noDelay();
        server = listen(port);
        server.createContext("/", this::dispatch);
        server.setExecutor(Executors.newFixedThreadPool(32)); // a PMS serves many clients at once
        server.start();
    }

    /** The JDK server's bind error names no address: this one says which server could not listen where. */
    private static HttpServer listen(int port) throws IOException {
        try {
            return HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        } catch (java.net.BindException e) {
            String reason = e.getMessage() == null ? "cannot bind" : Character.toLowerCase(e.getMessage().charAt(0)) + e.getMessage().substring(1);
            java.net.BindException named = new java.net.BindException("the simulator cannot listen on 127.0.0.1:" + port + ": " + reason);
            named.initCause(e);
            throw named;
        }
    }

    /**
     * TCP_NODELAY on the JDK HTTP server's sockets (read once, when its first server is created in the JVM). Without
     * it the server's separate writes of headers and body meet the client's delayed ACK, and every answer takes
     * ~40 ms on loopback instead of ~1 ms: the simulator, not the runtime, would set the pace of every benchmark.
     */
    public static void noDelay() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private void register(SimSource source) {
        sources.put(source.key(), source);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Base URL of a simulated source, to put in an account's {@code baseUrl}. */
    public String baseUrl(String source) {
        String root = "http://127.0.0.1:" + port() + "/" + source;
        return switch (source) {
            case "hostaway", "guesty" -> root + "/v1";
            case "smoobu" -> root + "/api";
            case "beds24" -> root + "/v2";
            case "hostfully" -> root + "/api/v3.2";
            case "hospitable" -> root + "/v2";
            case "yourrentals" -> root + "/v1";
            case "rentalwise" -> root + "/rest";
            case "bookingsync" -> root + "/api/v3";
            default -> root;
        };
    }

    public SimSource source(String key) {
        SimSource s = sources.get(key);
        if (s == null) {
            throw new IllegalArgumentException("the simulator has no source '" + key + "'; it has " + sources.keySet());
        }
        return s;
    }

    public List<String> sourceKeys() {
        return List.copyOf(sources.keySet());
    }

    /** Adds a message to a thread, rendered in the source's native shape. */
    public JsonNode addMessage(String source, String account, String threadId, String body, boolean fromGuest) {
        return addMessage(source, account, threadId, body, fromGuest, null);
    }

    /**
     * Adds a message written at {@code at} (null: now, and a burst gets distinct, increasing seconds), rendered in
     * the source's native shape.
     */
    public JsonNode addMessage(String source, String account, String threadId, String body, boolean fromGuest, Instant writtenAt) {
        SimSource s = source(source);
        SimAccount a = s.account(account);
        SimThread t = a == null ? null : a.thread(threadId);
        if (t == null) {
            throw new IllegalArgumentException("no thread " + threadId + " in " + source + "/" + account);
        }
        JsonNode created;
        synchronized (s) {
            Instant at = writtenAt;
            if (at == null) {
                // PMS times have whole seconds: messages added in a burst get distinct, increasing times
                at = Instant.now();
                Instant last = lastAdded.get(source);
                if (last != null && !at.isAfter(last.plusSeconds(1))) {
                    at = last.plusSeconds(1);
                }
                lastAdded.put(source, at);
            }
            created = s.addMessage(a, t, new NewMessage(body, fromGuest, at));
        }
        messageAdded(source, a, t, (com.fasterxml.jackson.databind.node.ObjectNode) created, fromGuest);
        return created;
    }

    /**
     * Subscribes a simulated account's webhooks to {@code url}, with the secrets the PMS signs with (the same
     * names as the runtime's account credentials: webhookUser/webhookPassword, webhookSecret, webhookToken).
     */
    public void registerWebhook(String source, String account, String url, Map<String, String> secrets) {
        webhooks.put(source + "/" + account, new Registration(url, Map.copyOf(secrets)));
    }

    /**
     * A subscription made through a simulated PMS's own webhook API (the runtime subscribes an account it creates): the
     * account's webhooks go to {@code url} from now on. Returns the subscription's id.
     */
    public String subscribeWebhook(String source, String account, String url, Map<String, String> secrets) {
        String id = Long.toString(subscriptionIds.incrementAndGet());
        registerWebhook(source, account, url, secrets);
        subscriptions.put(source + "/" + account, id);
        return id;
    }

    /** Deletes the subscription {@code id} through the simulated API: false when the account has no such subscription. */
    public boolean unsubscribeWebhook(String source, String account, String id) {
        if (!subscriptions.remove(source + "/" + account, id)) {
            return false;
        }
        unregisterWebhook(source, account);
        return true;
    }

    /** The id of the account's subscription made through the simulated API; null without one (tests). */
    public String webhookSubscription(String source, String account) {
        return subscriptions.get(source + "/" + account);
    }

    /** Stops sending webhooks for one account: its changes are then found by polling only. */
    public void unregisterWebhook(String source, String account) {
        webhooks.remove(source + "/" + account);
    }

    /** Messages received through the simulated send calls of one account. */
    public List<SimSend> sends(String source, String account) {
        return sends.stream().filter(x -> x.source().equals(source) && x.account().equals(account)).toList();
    }

    /** Webhook calls made so far, with the receiver's answer. */
    public List<SimWebhook> webhookCalls() {
        return List.copyOf(webhookCalls);
    }

    /** Sends an earlier webhook call again, byte for byte (as a PMS retrying a delivery does); returns the answer. */
    public int replay(SimWebhook call) {
        return post(call).status();
    }

    void recordSend(SimSend send) {
        sends.add(send);
    }

    /** Called by a simulated PMS when a message was added (by the guest, the host, or a send): fires its webhook. */
    void messageAdded(String source, SimAccount account, SimThread thread, com.fasterxml.jackson.databind.node.ObjectNode message,
                      boolean fromGuest) {
        Registration r = webhooks.get(source + "/" + account.id);
        if (r == null) {
            return;
        }
        SimSource.WebhookCall call = source(source).webhook(account, thread, message, fromGuest, r.secrets(), Instant.now());
        String url = r.url() + (call.query().isEmpty() ? "" : "?" + call.query().entrySet().stream()
                .map(e -> e.getKey() + "=" + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(java.util.stream.Collectors.joining("&")));
        SimWebhook pending = new SimWebhook(source, account.id, url, call.body(), call.headers(), -1);
        webhookSender.submit(() -> webhookCalls.add(post(pending)));
    }

    private SimWebhook post(SimWebhook call) {
        try {
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(call.url()))
                    .timeout(java.time.Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(call.body()));
            call.headers().forEach(req::header);
            var res = webhookClient.send(req.build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            return call.answered(res.statusCode());
        } catch (IOException e) {
            return call.answered(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return call.answered(0);
        }
    }

    /** The next {@code times} requests of {@code source} whose path contains the fault's text fail with it. */
    public void inject(String source, SimFault fault, int times) {
        Deque<SimFault> q = faults.computeIfAbsent(source, k -> new ArrayDeque<>());
        synchronized (q) {
            for (int i = 0; i < times; i++) {
                q.add(fault);
            }
        }
    }

    /** Drops the injected faults not served yet: the PMS is well again. */
    public void clearFaults() {
        faults.values().forEach(q -> {
            synchronized (q) {
                q.clear();
            }
        });
    }

    /** The injected faults served so far, in order. */
    public List<ServedFault> servedFaults() {
        return List.copyOf(served);
    }

    /** Injected faults not served yet. */
    public int pendingFaults() {
        return faults.values().stream().mapToInt(q -> {
            synchronized (q) {
                return q.size();
            }
        }).sum();
    }

    /**
     * The host or guest edits a message after it was sent (the PMS keeps the id, the text changes). Whether the
     * thread's list entry shows it is the simulated PMS's business ({@link SimSource#editMessage}).
     */
    public void editMessage(String source, String account, String threadId, String messageId, String body) {
        SimSource s = source(source);
        synchronized (s) {
            SimThread t = s.account(account).thread(threadId);
            com.fasterxml.jackson.databind.node.ObjectNode m = t.messages.stream()
                    .filter(x -> x.path("id").asText().equals(messageId)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no message " + messageId + " in " + source + "/" + account + "/" + threadId));
            s.editMessage(t, m, body, Instant.now());
        }
    }

    /** Enforce a request limit per account of {@code source} (instead of any set before), answering 429 with Retry-After beyond it. */
    public void rateLimit(String source, int requests, int perSeconds) {
        rateLimits.put(source, new CopyOnWriteArrayList<>(List.<int[]>of(new int[] {requests, perSeconds, 0})));
    }

    /**
     * Enforce one more limit on {@code source}: per account, or ({@code perIp}) over the requests of all its accounts
     * together, as a PMS counting its callers' address does (every runtime reaches the simulator from 127.0.0.1).
     */
    public void addRateLimit(String source, int requests, int perSeconds, boolean perIp) {
        rateLimits.computeIfAbsent(source, k -> new CopyOnWriteArrayList<>()).add(new int[] {requests, perSeconds, perIp ? 1 : 0});
    }

    /** Every PMS request takes this long before it is handled (a remote PMS's round trip; polls last a while). */
    public void latency(java.time.Duration latency) {
        this.latencyMillis = latency.toMillis();
    }

    /** 429s answered by the per-account limit ({@link #rateLimit}), not by injected faults. */
    public int throttled() {
        return throttled.get();
    }

    /**
     * For each 429 of the per-account limit, how many milliseconds too early the request arrived: the time from its
     * arrival until the limit would have let it in (a client pacing to the limit that is off by scheduling jitter is a
     * few milliseconds early; one that ignores the limit is early by up to the whole window).
     */
    public List<Long> throttledEarlyMillis() {
        return List.copyOf(throttledEarly);
    }

    /** The requests that have arrived and are not answered yet. */
    public List<InFlight> inFlight() {
        return List.copyOf(inFlight.values());
    }

    /** When the request this thread handles arrived. */
    Instant arrivedAt() {
        Long at = arrival.get();
        return at == null ? Instant.now() : Instant.ofEpochMilli(at);
    }

    public List<SimRequest> requests() {
        return List.copyOf(requests);
    }

    public List<SimRequest> requests(String source, String account) {
        return requests.stream().filter(r -> r.source().equals(source) && account.equals(r.account())).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    void record(SimRequest r) {
        requests.add(r);
    }

    /**
     * Applies the configured rate limits; returns a 429 response or null. A request counts at its arrival (before
     * any simulated latency or slow answer), and is refused when, for one of the limits, a window of its length holding
     * it would hold more than the limit, as a PMS counting arrivals does. A refused request counts under none of them.
     */
    SimResponse throttle(String source, String account) {
        List<int[]> limits = rateLimits.get(source);
        if (limits == null || limits.isEmpty()) {
            return null;
        }
        Long arrived = arrival.get();
        long at = arrived != null ? arrived : System.currentTimeMillis();
        synchronized (recentCalls) { // the limits of one request are checked and counted together
            List<List<Long>> counted = new ArrayList<>();
            for (int[] limit : limits) {
                String key = source + "/" + (limit[2] == 1 ? "*ip" : account) + "/" + limit[0] + "/" + limit[1];
                List<Long> calls = recentCalls.computeIfAbsent(key, k -> new ArrayList<>());
                long early = earlyBy(calls, at, limit[0], limit[1] * 1000L);
                if (early >= 0) {
                    throttledEarly.add(early);
                    throttled.incrementAndGet();
                    return new SimResponse(429, "application/json", "{\"message\":\"Too Many Requests\"}",
                            Map.of("Retry-After", Long.toString(limit[1])));
                }
                counted.add(calls);
            }
            for (List<Long> calls : counted) {
                int pos = java.util.Collections.binarySearch(calls, at);
                calls.add(pos < 0 ? -pos - 1 : pos, at);
            }
        }
        return null;
    }

    /**
     * With an arrival at {@code at} added to {@code calls} (sorted arrival times), would some window of {@code window}
     * ms holding it hold more than {@code limit}? Then how many ms too early it came (the time until the limit-th
     * arrival before it leaves the window), else -1. Arrivals older than two windows are dropped.
     */
    private static long earlyBy(List<Long> calls, long at, int limit, long window) {
        calls.removeIf(t -> t < at - 2 * window);
        int pos = java.util.Collections.binarySearch(calls, at);
        pos = pos < 0 ? -pos - 1 : pos;
        calls.add(pos, at);
        try {
            // the fullest window of the limit's length that holds this arrival
            int fullest = 0;
            for (int start = 0; start <= pos; start++) {
                long from = calls.get(start);
                if (from <= at - window) {
                    continue;
                }
                int end = start;
                while (end < calls.size() && calls.get(end) < from + window) {
                    end++;
                }
                if (end > pos) {
                    fullest = Math.max(fullest, end - start);
                }
            }
            return fullest > limit ? (pos >= limit ? calls.get(pos - limit) + window - at : window) : -1;
        } finally {
            calls.remove(pos);
        }
    }

    private SimFault fault(String source, String method, String path) {
        Deque<SimFault> q = faults.get(source);
        if (q == null) {
            return null;
        }
        synchronized (q) {
            for (var it = q.iterator(); it.hasNext(); ) {
                SimFault f = it.next();
                if (f.matches(method, path)) {
                    it.remove();
                    return f;
                }
            }
        }
        return null;
    }

    private static SimResponse response(SimFault f) {
        Map<String, String> headers = f.retryAfter() == null ? Map.of() : Map.of("Retry-After", f.retryAfter());
        String body = f.body() != null ? f.body() : "{\"message\":\"injected fault " + f.status() + "\"}";
        return new SimResponse(f.status(), "application/json", body, headers);
    }

    private void dispatch(HttpExchange http) throws IOException {
        SimResponse response;
        arrival.set(System.currentTimeMillis());
        InFlight open = new InFlight(http.getRequestURI().getPath().split("/").length > 1 ? http.getRequestURI().getPath().split("/")[1] : "",
                http.getRequestMethod(), http.getRequestURI().getPath(), SimRequest.nodeOf(http.getRequestHeaders().getFirst("User-Agent")),
                arrivedAt());
        long seq = requestSeq.incrementAndGet();
        inFlight.put(seq, open);
        try {
            respond(http, handle(http));
        } finally {
            inFlight.remove(seq);
        }
    }

    private SimResponse handle(HttpExchange http) throws IOException {
        SimResponse response;
        try {
            String fullPath = http.getRequestURI().getPath();
            String[] parts = fullPath.split("/", 3);
            String prefix = parts.length > 1 ? parts[1] : "";
            String rest = parts.length > 2 ? "/" + parts[2] : "/";
            String body = new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            http.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.get(0)));
            Map<String, String> query = parseQuery(http.getRequestURI().getRawQuery());
            if (prefix.equals("_sim")) {
                response = control(http.getRequestMethod(), rest, body);
            } else if (!sources.containsKey(prefix)) {
                response = SimResponse.error(404, "no simulated PMS at /" + prefix);
            } else {
                SimFault injected = fault(prefix, http.getRequestMethod(), rest);
                if (injected != null) {
                    served.add(new ServedFault(prefix, http.getRequestMethod(), rest, injected, Instant.now()));
                }
                if (injected != null && !injected.afterHandling() && injected.delayMillis() > 0) {
                    Thread.sleep(injected.delayMillis());
                }
                if (injected != null && !injected.afterHandling() && !injected.delaysOnly()) {
                    requests.add(new SimRequest(prefix, null, http.getRequestMethod(), rest, query, SimRequest.nodeOf(headers.get("User-agent")),
                            arrivedAt(), Instant.now()));
                    response = response(injected);
                } else {
                    SimSource source = sources.get(prefix);
                    if (latencyMillis > 0) {
                        Thread.sleep(latencyMillis); // outside the lock: concurrent callers wait side by side
                    }
                    synchronized (source) {
                        response = source.handle(new SimExchange(http.getRequestMethod(), rest, query, headers, body, this));
                    }
                    if (injected != null && injected.afterHandling() && injected.delayMillis() > 0) {
                        Thread.sleep(injected.delayMillis());
                    }
                    if (injected != null && !injected.delaysOnly()) {
                        response = response(injected);
                    }
                }
            }
        } catch (RuntimeException e) {
            response = SimResponse.error(500, "simulator error: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = SimResponse.error(503, "simulator stopping");
        }
        return response;
    }

    private static void respond(HttpExchange http, SimResponse response) throws IOException {
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", response.contentType());
        response.headers().forEach((k, v) -> http.getResponseHeaders().set(k, v));
        http.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(bytes);
        }
    }

    private SimResponse control(String method, String path, String body) {
        // /<source>/<account>/threads/<threadId>/messages
        String[] p = path.substring(1).split("/");
        if (method.equals("POST") && p.length == 5 && p[2].equals("threads") && p[4].equals("messages")) {
            try {
                JsonNode req = Json.MAPPER.readTree(body);
                JsonNode created = addMessage(p[0], p[1], p[3], req.path("body").asText("hello"), req.path("fromGuest").asBoolean(true));
                return SimResponse.json(201, created.toString());
            } catch (IOException | IllegalArgumentException e) {
                return SimResponse.error(400, e.getMessage());
            }
        }
        if (method.equals("GET") && path.equals("/stats")) { // what a benchmark reads: requests per account, 429s of the limits
            com.fasterxml.jackson.databind.node.ObjectNode stats = Json.MAPPER.createObjectNode().put("throttled", throttled());
            throttledEarlyMillis().forEach(stats.putArray("throttledEarlyMillis")::add);
            com.fasterxml.jackson.databind.node.ObjectNode per = stats.putObject("requests");
            for (SimRequest r : requests) {
                String k = r.source() + "/" + r.account();
                per.put(k, per.path(k).asInt() + 1);
            }
            return SimResponse.json(200, stats.toString());
        }
        return SimResponse.error(404, "control API: POST /_sim/<source>/<account>/threads/<id>/messages, GET /_sim/stats");
    }

    static Map<String, String> parseQuery(String raw) {
        return dev.pmsconversations.source.PmsHttp.decode(raw);
    }

    public static Map<String, String> parseForm(String body) {
        return parseQuery(body);
    }

    @Override
    public void close() {
        webhookSender.shutdownNow();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** Svix-style signature (base64 HMAC-SHA256 of "id.timestamp.body" with a whsec_ secret), as Guesty signs. */
    public static String svixSignature(String secret, String id, String ts, String body) {
        try {
            byte[] key = java.util.Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return java.util.Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + body).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lists the threads of an account (ids), for tests and the demo summary. */
    public List<String> threadIds(String source, String account) {
        List<String> out = new ArrayList<>();
        SimAccount a = source(source).account(account);
        if (a != null) {
            a.threads.forEach(t -> out.add(t.id));
        }
        return out;
    }
}
