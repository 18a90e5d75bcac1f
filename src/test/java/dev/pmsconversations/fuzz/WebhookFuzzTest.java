package dev.pmsconversations.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.api.ApiException;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.config.Secret;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.WebhookSpec;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.testing.TestRuntime;
import dev.pmsconversations.webhook.WebhookInbox;
import dev.pmsconversations.webhook.WebhookService;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * Webhook deliveries for every source with webhooks: random or correctly signed proofs (Basic, token in header, query
 * or payload, HMAC in its variants, Svix) with fresh, stale or absurd timestamps, over bodies that are random bytes or
 * the source's payload shape with fuzzer-chosen events, ids and edits (SNS-wrapped where the source is).
 *
 * <p>Two levels, both without routes: {@code WebhookVerifier.problem} (null or a reason; never an exception; a correct
 * proof with a fresh timestamp is accepted, a stale one refused) and {@link WebhookService#receive} on an in-memory H2
 * store (an envelope, or an {@link ApiException} 400/401/404/422; what the verifier refused is never accepted).
 */
class WebhookFuzzTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final List<String> SOURCES = FuzzSupport.SOURCES.all().values().stream()
            .filter(d -> d.messaging() && d.api().webhook() != null).map(d -> d.key()).toList();
    private static final List<String> HEADER_NAMES = List.of("Authorization", "X-Webhook-Token", "Hostex-Webhook-Secret-Token",
            "X-Content-Signature", "Signature", "ms-signature", "svix-id", "svix-timestamp", "svix-signature",
            "x-amz-sns-message-id", "CamelHttpQuery", "source", "accountId", "pmsWebhookId");
    private static final List<String> URLS = List.of("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription",
            "https://evil.example/x.amazonaws.com/", "http://sns.amazonaws.com/", "https://a.amazonaws.com/\n", "");
    private static final Method PROBLEM;
    private static final StateStore STORE;
    private static final WebhookService SERVICE;
    private static final DefaultCamelContext CAMEL = new DefaultCamelContext();
    private static int calls;

    static {
        try {
            PROBLEM = Class.forName("dev.pmsconversations.webhook.WebhookVerifier").getDeclaredMethod("problem", WebhookSpec.class,
                    Map.class, Function.class, Map.class, byte[].class, Instant.class);
            PROBLEM.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        // a refused webhook is logged as a warning: hundreds of thousands of them would only fill the report
        org.apache.logging.log4j.core.config.Configurator.setLevel("dev.pmsconversations.webhook", org.apache.logging.log4j.Level.ERROR);
        STORE = new StateStore(new RuntimeConfig.StoreConfig("jdbc:h2:mem:fuzz-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", null, null));
        List<AccountConfig> accounts = new ArrayList<>();
        for (String source : SOURCES) {
            accounts.add(new AccountConfig(source + "-1", source, null, null, secrets(TestRuntime.webhookSecrets(source)), "60s", null, List.of()));
        }
        java.util.Map<String, AccountConfig> byId = new java.util.HashMap<>();
        accounts.forEach(a -> byId.put(a.id(), a));
        SERVICE = new WebhookService(FuzzSupport.SOURCES, byId::get, new WebhookInbox(STORE.jdbc()), STORE,
                Clock.fixed(NOW, ZoneOffset.UTC), 3);
    }

    @FuzzTest(maxDuration = "20s")
    void delivery(FuzzedDataProvider data) throws Throwable {
        String source = data.pickValue(SOURCES);
        WebhookSpec spec = FuzzSupport.SOURCES.get(source).api().webhook();
        Map<String, String> secrets = new LinkedHashMap<>(TestRuntime.webhookSecrets(source));
        boolean ownSecrets = data.consumeInt(0, 15) == 15; // now and then: what a misconfigured account holds
        if (ownSecrets) {
            secrets.replaceAll((k, v) -> data.consumeBoolean() ? data.consumeString(40) : data.pickValue(List.of("", "whsec_", "whsec_!!", " ")));
        }
        byte[] body = data.consumeInt(0, 3) == 3 ? data.consumeBytes(1000) : payload(spec, secrets, data);
        // headers as Camel holds them: names ignore case; fuzzer-chosen ones first, the proof may then overwrite them
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = data.consumeInt(0, 3); i > 0; i--) {
            headers.put(data.consumeBoolean() ? data.pickValue(HEADER_NAMES) : data.consumeString(20), data.consumeString(200));
        }
        Map<String, String> query = new LinkedHashMap<>();
        String rawQuery = switch (data.consumeInt(0, 3)) {
            case 1 -> "token=" + URLEncoder.encode(data.consumeString(40), StandardCharsets.UTF_8);
            case 2 -> data.consumeString(60); // as the URL came, %-escapes and all
            default -> null;
        };
        Boolean fresh = null; // whether the signed timestamp is within the tolerance, where the scheme signs one
        boolean proof = data.consumeInt(0, 3) != 3;
        if (proof) {
            Proof p = prove(spec, secrets, body, headers, data);
            if (p.query() != null) {
                rawQuery = p.query();
            }
            fresh = p.fresh();
            proof = p.complete();
        }
        if (rawQuery != null) {
            try {
                query.putAll(dev.pmsconversations.source.PmsHttp.decode(rawQuery));
            } catch (IllegalArgumentException e) {
                if (!FuzzSupport.knownFinding(e)) {
                    throw e;
                }
                return; // receive() would fail the same way (reported; see FuzzSupport.knownFinding)
            }
        }

        // 1. the verifier: a reason or null, never an exception
        String problem;
        try {
            problem = (String) PROBLEM.invoke(null, spec, secrets(secrets), (Function<String, String>) headers::get, query, body, NOW);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (proof && !ownSecrets) {
            boolean ok = fresh == null || fresh;
            FuzzSupport.check(ok == (problem == null), "a correct proof " + (ok ? "was refused: " + problem
                    : "with a timestamp outside the tolerance was accepted: " + headers), null);
        }

        // 2. the receiver, on the account the URL names
        if (ownSecrets) {
            return; // the configured accounts hold the real secrets
        }
        Exchange exchange = new DefaultExchange(CAMEL);
        headers.forEach(exchange.getIn()::setHeader);
        exchange.getIn().setHeader("source", source);
        exchange.getIn().setHeader("accountId", data.consumeInt(0, 7) == 7 ? data.consumeString(20) : source + "-1");
        exchange.getIn().setHeader(Exchange.HTTP_QUERY, rawQuery);
        exchange.getIn().setBody(body);
        String answer;
        try {
            answer = SERVICE.receive(exchange);
        } catch (ApiException e) {
            FuzzSupport.check(Set.of(400, 401, 404, 422).contains(e.status()), "unexpected status " + e.status(), e);
            FuzzSupport.check(problem != null || e.status() != 401, "refused although the verifier accepted it", e);
            return;
        } finally {
            if (++calls % 2000 == 0) { // keep the in-memory store small on long runs
                STORE.jdbc().update("delete from webhook_event");
                STORE.jdbc().update("delete from dead_letter");
            }
        }
        String status = Json.MAPPER.readTree(answer).at("/data/status").asText();
        FuzzSupport.check(problem == null || status.equals("SUBSCRIPTION"), "accepted (" + status + ") although the verifier refused: "
                + problem, null);
    }

    /** The source's payload shape: event, conversation id(s), token, SNS envelope; fuzzer-chosen values and edits. */
    private static byte[] payload(WebhookSpec spec, Map<String, String> secrets, FuzzedDataProvider data) {
        ObjectNode inner = NODES.objectNode();
        if (spec.eventPath() != null) {
            FuzzSupport.put(inner, spec.eventPath(), spec.acceptEvents().isEmpty() || data.consumeInt(0, 3) == 3
                    ? FuzzSupport.value(data) : NODES.textNode(data.pickValue(spec.acceptEvents())));
        }
        for (String path : spec.conversationIdPaths()) {
            if (data.consumeInt(0, 3) != 3) {
                FuzzSupport.put(inner, path, switch (data.consumeInt(0, 4)) {
                    case 0 -> NODES.textNode(Long.toString(data.consumeLong(0, Long.MAX_VALUE)));
                    case 1 -> NODES.textNode("B" + data.consumeLong(-5, Long.MAX_VALUE));
                    case 2 -> NODES.textNode("9".repeat(data.consumeInt(1, 400)));
                    case 3 -> NODES.numberNode(data.consumeLong());
                    default -> FuzzSupport.value(data);
                });
            }
        }
        if (spec.tokenPath() != null && data.consumeInt(0, 3) != 3) {
            FuzzSupport.put(inner, spec.tokenPath(), data.consumeInt(0, 3) == 3 ? FuzzSupport.value(data)
                    : NODES.textNode(secrets.get(spec.credentials().get(0))));
        }
        FuzzSupport.edit(inner, data.consumeInt(0, 3), data);
        JsonNode body = inner;
        if (spec.unwrap() != null) { // Amazon SNS: the payload is a JSON document in a string field
            ObjectNode outer = NODES.objectNode();
            FuzzSupport.put(outer, spec.unwrap(), switch (data.consumeInt(0, 3)) {
                case 2 -> inner;
                case 3 -> FuzzSupport.value(data);
                default -> NODES.textNode(inner.toString());
            });
            if (spec.confirm() != null && data.consumeBoolean()) {
                FuzzSupport.put(outer, spec.confirm().path(), NODES.textNode(data.consumeBoolean() ? spec.confirm().value() : data.consumeString(30)));
                FuzzSupport.put(outer, spec.confirm().url(), data.consumeBoolean() ? NODES.textNode(data.pickValue(URLS)) : FuzzSupport.value(data));
            }
            body = outer;
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return switch (data.consumeInt(0, 7)) {
            case 6 -> java.util.Arrays.copyOf(bytes, data.consumeInt(0, bytes.length)); // cut short
            case 7 -> (body + data.consumeString(20)).getBytes(StandardCharsets.UTF_8); // trailing garbage
            default -> bytes;
        };
    }

    /** How a proof came out: the query to send (token in the URL), whether its timestamp (if any) is fresh, whether it is whole. */
    private record Proof(String query, Boolean fresh, boolean complete) {
    }

    /** Writes the proof the source expects into the headers (or the query), computed here independently of the verifier. */
    private static Proof prove(WebhookSpec spec, Map<String, String> secrets, byte[] body, Map<String, String> headers,
                               FuzzedDataProvider data) {
        List<String> names = spec.credentials();
        switch (spec.auth()) {
            case "basic" -> {
                String pair = secrets.get(names.get(0)) + ":" + secrets.get(names.get(1));
                headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
                return new Proof(null, null, true);
            }
            case "token" -> {
                String token = secrets.get(names.get(0));
                if (spec.tokenPath() != null) {
                    return new Proof(null, null, false); // the token is in the payload, if the payload put it there
                }
                if (spec.tokenHeader() != null) {
                    headers.put(spec.tokenHeader(), token);
                    return new Proof(null, null, true);
                }
                return new Proof("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), null, true);
            }
            case "hmac" -> {
                byte[] signed = body;
                Boolean fresh = null;
                if (spec.timestampHeader() != null) {
                    String ts = timestamp(age(data, spec.toleranceSeconds()), data);
                    fresh = fresh(ts, spec.toleranceSeconds());
                    headers.put(spec.timestampHeader(), ts);
                    signed = concat((ts + ".").getBytes(StandardCharsets.UTF_8), body);
                }
                if ("base64Lines".equals(spec.signedForm())) {
                    String lines = Base64.getMimeEncoder(60, new byte[] {'\n'}).encodeToString(signed);
                    signed = (lines.isEmpty() ? "" : lines + "\n").getBytes(StandardCharsets.US_ASCII);
                }
                byte[] mac = hmac("sha1".equals(spec.algorithm()) ? "HmacSHA1" : "HmacSHA256",
                        secrets.get(names.get(0)).getBytes(StandardCharsets.UTF_8), signed);
                if (mac == null) {
                    return new Proof(null, fresh, false);
                }
                headers.put(spec.signatureHeader(), spec.signaturePrefix()
                        + ("base64".equals(spec.signatureEncoding()) ? Base64.getEncoder().encodeToString(mac) : HexFormat.of().formatHex(mac)));
                return new Proof(null, fresh, true);
            }
            case "svix" -> {
                String secret = secrets.get(names.get(0));
                byte[] key;
                try {
                    key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
                } catch (IllegalArgumentException e) {
                    return new Proof(null, null, false);
                }
                String id = data.consumeInt(0, 3) == 3 ? data.consumeString(20) : "msg_" + data.consumeInt();
                String ts = timestamp(age(data, spec.toleranceSeconds()), data);
                boolean fresh = fresh(ts, spec.toleranceSeconds());
                byte[] mac = hmac("HmacSHA256", key, concat((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8), body));
                if (mac == null) {
                    return new Proof(null, fresh, false);
                }
                String signature = "v1," + Base64.getEncoder().encodeToString(mac);
                headers.put("svix-id", id);
                headers.put("svix-timestamp", ts);
                headers.put("svix-signature", data.consumeBoolean() ? "v1,bm90IGl0 " + signature : signature); // rotated secrets: several
                return new Proof(null, fresh, true);
            }
            default -> throw new AssertionError("a source file with webhook auth " + spec.auth() + ": teach the fuzz test its proof");
        }
    }

    /** Seconds between the timestamp to sign and now: mostly near the tolerance's edges, sometimes anything. */
    private static long age(FuzzedDataProvider data, long tolerance) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> data.consumeLong(-tolerance, tolerance);
            case 1 -> (data.consumeBoolean() ? 1 : -1) * (tolerance + data.consumeLong(-1, 2));
            case 2 -> data.consumeLong(-10_000_000_000L, 10_000_000_000L);
            default -> NOW.getEpochSecond() - data.consumeLong(); // any timestamp at all
        };
    }

    /** The timestamp header for {@code age}: epoch seconds, or milliseconds (which the verifier also accepts). */
    private static String timestamp(long age, FuzzedDataProvider data) {
        long seconds = NOW.getEpochSecond() - age;
        return seconds > 1_000_000_000L && seconds < 10_000_000_000L && data.consumeBoolean() ? Long.toString(seconds * 1000)
                : Long.toString(seconds);
    }

    /** The documented rule, computed without overflow: epoch seconds (milliseconds above 10^12) within the tolerance of now. */
    private static boolean fresh(String ts, long tolerance) {
        java.math.BigInteger seconds = new java.math.BigInteger(ts);
        if (seconds.compareTo(java.math.BigInteger.valueOf(1_000_000_000_000L)) > 0) {
            seconds = seconds.divide(java.math.BigInteger.valueOf(1000));
        }
        return seconds.subtract(java.math.BigInteger.valueOf(NOW.getEpochSecond())).abs().compareTo(java.math.BigInteger.valueOf(tolerance)) <= 0;
    }

    private static byte[] hmac(String algorithm, byte[] key, byte[] data) {
        if (key.length == 0) {
            return null; // no key, no signature (the JDK refuses an empty one)
        }
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Map<String, Secret> secrets(Map<String, String> values) {
        Map<String, Secret> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, new Secret(v, "fuzz:" + k)));
        return out;
    }
}
