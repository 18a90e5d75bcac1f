package dev.pmsconversations.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.mapping.ConversationMapping;
import dev.pmsconversations.mapping.NativeBundle;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.SourceDefinition;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The plain-Java baseline of the end-to-end sync (bench/run): what a developer would write for Hostaway without the
 * runtime. JDK HttpClient + Jackson + the same mapping engine (mappings/hostaway.yaml) + one JSON file per
 * conversation, accounts in parallel on as many threads as the runtime polls with (10), each account's threads one
 * after the other. No state store, no change detection, no event log, no retries, no rate limit: the floor.
 *
 * <p>{@code java -cp target/benchmarks.jar dev.pmsconversations.bench.SyncBaseline <base url> <account ids> <out dir>}
 */
public final class SyncBaseline {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private SyncBaseline() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        List<String> accounts = List.of(args[1].split(","));
        Path out = Path.of(args[2]);
        ConversationMapping mapping = SourceDefinition.load(Path.of("mappings/hostaway.yaml")).mapping(ZoneOffset.UTC);
        AtomicLong conversations = new AtomicLong();
        AtomicLong messages = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<?>> work = new ArrayList<>();
        for (String account : accounts) {
            work.add(pool.submit(() -> {
                sync(base, account, out.resolve(account), mapping, conversations, messages);
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        System.out.println("baseline: " + conversations + " conversations, " + messages + " messages");
    }

    private static void sync(String base, String account, Path dir, ConversationMapping mapping, AtomicLong conversations,
                             AtomicLong messages) throws Exception {
        Files.createDirectories(dir);
        String form = "grant_type=client_credentials&scope=general&client_id=" + enc(account) + "&client_secret=" + enc("hostaway-secret-" + account);
        JsonNode token = send(HttpRequest.newBuilder(URI.create(base + "/accessTokens"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)), null);
        String bearer = token.path("access_token").asText();
        Thread.sleep(1000); // Hostaway: a token is valid 1 s after it was issued (the mapping file says the same)
        for (int offset = 0; ; offset += 100) {
            JsonNode page = send(HttpRequest.newBuilder(URI.create(base + "/conversations?includeResources=1&limit=100&offset=" + offset)).GET(), bearer);
            for (JsonNode c : page.path("result")) {
                List<JsonNode> msgs = new ArrayList<>();
                for (int mOffset = 0; ; mOffset += 100) {
                    JsonNode mp = send(HttpRequest.newBuilder(URI.create(base + "/conversations/" + c.path("id").asText()
                            + "/messages?includeScheduledMessages=1&limit=100&offset=" + mOffset)).GET(), bearer);
                    mp.path("result").forEach(msgs::add);
                    if (mp.path("result").size() < 100) {
                        break;
                    }
                }
                Conversation conversation = mapping.map(new NativeBundle(c, msgs));
                Files.writeString(dir.resolve(conversation.id() + ".json"),
                        Json.output(false).writerWithDefaultPrettyPrinter().writeValueAsString(conversation) + "\n");
                conversations.incrementAndGet();
                messages.addAndGet(conversation.messages().size());
            }
            if (page.path("result").size() < 100) {
                break;
            }
        }
    }

    private static JsonNode send(HttpRequest.Builder request, String bearer) throws Exception {
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
