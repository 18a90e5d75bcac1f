package dev.pmsconversations.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.limits.RateLimit;
import dev.pmsconversations.limits.RequestPermits;
import dev.pmsconversations.model.Json;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The account's requests to its PMS, as its source file describes them: the file's headers and the account's
 * authentication, the published rate limits (waited for before each request), and retries with backoff on 5xx,
 * timeouts and 429 (honouring Retry-After), with one new token when the PMS refuses the current one.
 */
final class Requester {
    private final PmsAccount pms;
    private final PmsHttp http;
    private final RequestPermits permits;
    private final Authenticator auth;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    /** The keys each read is counted under: the account's, and the source's for a limit per IP or per app. */
    private final List<RequestPermits.Counted> readKeys;

    Requester(PmsAccount pms, PmsHttp http, RefreshTokens refreshTokens, RequestPermits permits) {
        this.pms = pms;
        this.http = http;
        this.permits = permits;
        this.readKeys = RequestPermits.keysOf(pms.source().key(), pms.id(), pms.source().api().rateLimits());
        this.auth = new Authenticator(pms, http, refreshTokens, this::beforeRequest);
    }

    /** Waits until every published limit of the account allows one more request, and counts it. */
    private void beforeRequest() {
        awaitPermits();
        requests.incrementAndGet();
    }

    void awaitPermits() {
        permits.await(readKeys);
    }

    /** Waits for limits of their own (a send call's: {@code purpose} "send"), counted apart from the reads'. */
    void awaitPermits(String purpose, List<RateLimit> limits) {
        permits.await(RequestPermits.keysOf(pms.source().key() + "/" + purpose, pms.id() + "/" + purpose, limits));
    }

    /** A request whose answer must be JSON; a 2xx answer that is not is a {@link MalformedPageException}. */
    JsonNode getJson(String method, String path, Map<String, String> query, JsonNode body, String what) {
        PmsHttp.Response r = body == null ? call(method, path, query, null, null, what)
                : call(method, path, query, "application/json", body.toString(), what);
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new MalformedPageException(pms.fail(what + ": answer is not valid JSON (" + PmsAnswers.shortReason(e) + ")"));
        }
    }

    private PmsHttp.Response call(String method, String path, Map<String, String> query, String contentType, String body, String what) {
        ApiSpec.Retry retry = pms.source().api().retry();
        boolean reauthenticated = false;
        String last = "";
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            Map<String, String> headers = new HashMap<>(pms.source().api().headers());
            headers.putAll(auth.headers()); // may fetch a token first (a request of its own, with its own permit)
            awaitPermits(); // the permit right before the request: one granted before a token call would be stale
            requests.incrementAndGet();
            PmsHttp.Response r = http.send(method, pms.baseUrl() + path, withCredentials(query), headers, contentType, body);
            if (r.ok()) {
                return r;
            }
            if ((r.status() == 401 || r.status() == 403) && auth.issuesTokens() && !reauthenticated) {
                auth.invalidate(); // expired or revoked: fetch a new one once
                reauthenticated = true;
                attempt--;
                continue;
            }
            if (r.status() == 401 || r.status() == 403) {
                throw pms.error(what + ": authentication refused (HTTP " + r.status() + ")", r.status());
            }
            if (r.status() == 429) {
                rateLimited.incrementAndGet();
            }
            boolean transientFailure = r.status() == 429 || r.status() >= 500 || r.status() < 0;
            last = r.status() < 0 ? "no answer (" + r.body() + ")" : "HTTP " + r.status();
            if (!transientFailure) {
                throw pms.error(what + ": " + last, r.status());
            }
            if (attempt < retry.maxAttempts()) {
                Backoff.sleep(Backoff.of(retry, attempt, r.retryAfter()));
            }
        }
        throw pms.error(what + ": " + last + " after " + retry.maxAttempts() + " attempts", -1);
    }

    /**
     * One request that is never retried here (a send: the PMS may have taken it although no answer came), with the
     * file's headers, the account's authentication and {@code extra}. The caller has waited for the permits.
     */
    PmsHttp.Response once(String method, String path, Map<String, String> extra, String contentType, String body) {
        Map<String, String> headers = new HashMap<>(pms.source().api().headers());
        headers.putAll(auth.headers());
        headers.putAll(extra);
        requests.incrementAndGet();
        return http.send(method, pms.baseUrl() + path, Map.of(), headers, contentType, body);
    }

    Authenticator auth() {
        return auth;
    }

    void countRateLimited() {
        rateLimited.incrementAndGet();
    }

    long requestCount() {
        return requests.get();
    }

    long rateLimitedCount() {
        return rateLimited.get();
    }

    /**
     * Query values written {@code {credential:name}} in the source file (e.g. Hostfully's agencyUid) take the
     * account's credential; they never appear in messages, which name only the path.
     */
    private Map<String, String> withCredentials(Map<String, String> query) {
        Map<String, String> out = null;
        for (Map.Entry<String, String> e : query.entrySet()) {
            String v = e.getValue();
            if (v != null && v.startsWith("{credential:") && v.endsWith("}")) {
                if (out == null) {
                    out = new LinkedHashMap<>(query);
                }
                out.put(e.getKey(), pms.credential(v.substring(12, v.length() - 1)).reveal());
            }
        }
        return out == null ? query : out;
    }
}
