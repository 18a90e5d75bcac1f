package dev.pmsconversations.source;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.Secret;
import dev.pmsconversations.mapping.NativeBundle;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.limits.RequestPermits;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Talks to one PMS account as its source file describes: auth (token cached until refused), the
 * published rate limit, retries with backoff on 5xx/timeouts/429 (honouring Retry-After), pagination.
 */
public final class AccountClient {
    private final SourceDefinition source;
    private final AccountConfig account;
    private final PmsHttp http;
    private final String baseUrl;
    private final RequestPermits permits;
    /** Related records of the source file's {@code cache:} entries, per account, bounded (least recently used go). */
    private final RelatedCache relatedCache = new RelatedCache(2000);
    private volatile String token;
    private final RefreshTokens refreshTokens;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();

    public AccountClient(SourceDefinition source, AccountConfig account, PmsHttp http) {
        this(source, account, http, RefreshTokens.inMemory());
    }

    public AccountClient(SourceDefinition source, AccountConfig account, PmsHttp http, RefreshTokens refreshTokens) {
        this(source, account, http, refreshTokens, RequestPermits.local());
    }

    /** {@code permits}: where the PMS's published limits are counted (this JVM, or shared by every node). */
    public AccountClient(SourceDefinition source, AccountConfig account, PmsHttp http, RefreshTokens refreshTokens,
                         RequestPermits permits) {
        this.permits = permits;
        this.refreshTokens = refreshTokens;
        this.source = source;
        this.account = account;
        this.http = http;
        this.baseUrl = account.baseUrl() != null ? account.baseUrl().replaceAll("/+$", "") : source.api().baseUrl();
    }

    /** What one send attempt came to. */
    public enum SendResult { ACCEPTED, REJECTED, NOT_PROCESSED, UNKNOWN }

    /** @param detail the PMS's answer (ACCEPTED) or the failure, without secrets */
    public record SendOutcome(SendResult result, int status, String detail, String retryAfter, JsonNode answer) {
    }

    /**
     * Waits until the PMS's limits (the account's, and the send call's own) allow one send. Called before
     * a message is claimed, so the time a claim is held is the call's time, not the wait's.
     */
    public void awaitSendPermits() {
        awaitPermits();
        if (source.api().send() != null && !source.api().send().rateLimits().isEmpty()) {
            permits.await(account.id() + "/send", source.api().send().rateLimits());
        }
    }

    /**
     * One attempt of the PMS's send call (after {@link #awaitSendPermits()}), never retried here: after a 5xx or a timeout the PMS may have
     * accepted the message, so the caller checks before trying again. A 429 or a refused connection means
     * "not processed"; other 4xx are final.
     */
    public SendOutcome send(Map<String, String> pathParams, JsonNode body) {
        SendSpec spec = source.api().send();
        String path = expand(spec.path(), pathParams);
        String what = spec.method() + " " + path;
        boolean reauthenticated = false;
        while (true) {
            if (reauthenticated) {
                awaitSendPermits(); // the first attempt's permits were taken by the caller before claiming the message
            }
            Map<String, String> headers = new HashMap<>(source.api().headers());
            headers.putAll(authHeaders());
            headers.put("Accept", "application/json");
            requests.incrementAndGet();
            PmsHttp.Response r = http.send(spec.method(), baseUrl + path, Map.of(), headers, "application/json", body.toString());
            if (r.ok()) {
                JsonNode answer;
                try {
                    answer = r.body() == null || r.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
                } catch (Exception e) {
                    answer = Json.MAPPER.createObjectNode(); // accepted; the id is then found by lookup
                }
                if (spec.acceptedPath() != null && answer.at(spec.acceptedPath()).isBoolean() && !answer.at(spec.acceptedPath()).asBoolean()) {
                    JsonNode error = spec.errorPath() == null ? null : answer.at(spec.errorPath());
                    String reason = error == null || error.isMissingNode() ? "" : ": " + (error.isTextual() ? error.asText() : error.toString());
                    return new SendOutcome(SendResult.REJECTED, r.status(), fail(what + ": refused in a " + r.status() + " answer"
                            + (reason.length() > 300 ? reason.substring(0, 297) + "..." : reason)), null, answer);
                }
                return new SendOutcome(SendResult.ACCEPTED, r.status(), what + ": HTTP " + r.status(), null, answer);
            }
            if ((r.status() == 401 || r.status() == 403) && source.api().auth().issuesTokens() && !reauthenticated) {
                token = null;
                reauthenticated = true;
                continue;
            }
            if (r.status() == 429) {
                rateLimited.incrementAndGet();
                return new SendOutcome(SendResult.NOT_PROCESSED, 429, fail(what + ": HTTP 429 (rate limited)"), r.retryAfter(), null);
            }
            if (r.status() < 0) {
                boolean refused = r.body() != null && r.body().contains("Connect");
                return new SendOutcome(refused ? SendResult.NOT_PROCESSED : SendResult.UNKNOWN, -1,
                        fail(what + ": no answer (" + firstLine(r.body()) + ")"), null, null);
            }
            if (r.status() >= 500) {
                return new SendOutcome(SendResult.UNKNOWN, r.status(), fail(what + ": HTTP " + r.status()), r.retryAfter(), null);
            }
            return new SendOutcome(SendResult.REJECTED, r.status(), fail(what + ": refused with HTTP " + r.status()
                    + errorText(r.body())), null, null);
        }
    }

    /**
     * The values a send needs from the PMS first (api.send.prepare), in file order, e.g. RentalWise's thread provider or
     * BookingSync's Host participant: the value at the step's pointer (an array is joined with commas); an identical
     * request is made once. A required value the PMS does not give fails the send before anything is posted.
     */
    public Map<String, String> prepareSend(String conversationId) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("id", conversationId);
        Map<String, JsonNode> answers = new HashMap<>();
        source.api().send().prepare().forEach((name, step) -> {
            String value = prepared(name, step, values, answers);
            if (value == null && step.otherwise() != null) {
                value = prepared(name, step.otherwise(), values, answers);
            }
            if (value == null && !step.optional()) {
                throw new PmsApiException(source.key(), account.id(), "send: no value for '" + name + "' at '" + step.valuePath()
                        + "' of " + step.request().method() + " " + expand(step.request().path(), values), 422);
            }
            if (value != null) {
                values.put(name, value);
            }
        });
        values.remove("id");
        return values;
    }

    private String prepared(String name, SendSpec.Prepare step, Map<String, String> values, Map<String, JsonNode> answers) {
        String path = expand(step.request().path(), values);
        JsonNode requestBody = requestBody(step.request(), values);
        String what = step.request().method() + " " + path + " (send: " + name + ")";
        String key = step.request().method() + " " + path + " " + requestBody;
        JsonNode body = answers.get(key);
        if (body == null) {
            body = getJson(step.request().method(), path, step.request().query(), requestBody, what);
            if (step.request().method().equals("GET")) {
                answers.put(key, body);
            }
        }
        JsonNode value = dev.pmsconversations.mapping.Selector.parse(step.valuePath()).select(body, body);
        String text = value.isArray() ? joined(value) : value.isValueNode() && !value.isNull() ? value.asText() : "";
        return text.isEmpty() ? null : text;
    }

    /** A short, secret-free reason from a PMS error answer (its "message" field, if any). */
    private static String errorText(String body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            for (String k : List.of("message", "error_description", "error", "detail", "title")) {
                if (n.path(k).isTextual()) {
                    String t = n.path(k).asText();
                    return ": " + (t.length() <= 300 ? t : t.substring(0, 297) + "...");
                }
            }
        } catch (Exception ignored) {
            // not JSON: no detail
        }
        return "";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }

    public SourceDefinition source() {
        return source;
    }

    public AccountConfig account() {
        return account;
    }

    /** 429 answers the PMS gave so far (reads and sends). */
    public long rateLimitedCount() {
        return rateLimited.get();
    }

    /** Requests sent to the PMS so far (for progress and tests). */
    public long requestCount() {
        return requests.get();
    }

    /**
     * Reads a paginated list lazily, one request per {@link Pager#next()}. A page whose body is not what
     * the source file describes raises {@link MalformedPageException}; the pager has then moved past it,
     * so the caller may record it and go on with the next page.
     */
    public Pager pager(ApiSpec.Request request, Map<String, String> pathParams, Map<String, String> extraQuery) {
        return new Pager(request, pathParams, extraQuery);
    }

    public final class Pager {
        private final ApiSpec.Request request;
        private final Map<String, String> pathParams;
        private final Map<String, String> extraQuery;
        private int offset;
        private int pageNo;
        private String cursor;
        private boolean done;
        /** The last page's whole answer (for {@code envelope}). */
        JsonNode lastBody;

        private Pager(ApiSpec.Request request, Map<String, String> pathParams, Map<String, String> extraQuery) {
            this.request = request;
            this.pathParams = pathParams;
            this.extraQuery = extraQuery;
            this.pageNo = request.pagination().firstPage();
        }

        /** The next page's records, or null when there are no more pages. */
        public List<JsonNode> next() {
            if (done) {
                return null;
            }
            ApiSpec.Pagination p = request.pagination();
            Map<String, String> query = new LinkedHashMap<>();
            request.query().forEach((k, v) -> query.put(k, v.indexOf('{') >= 0 && !v.startsWith("{credential:") ? fill(v, pathParams) : v));
            query.putAll(extraQuery);
            com.fasterxml.jackson.databind.node.ObjectNode requestBody = requestBody(request, pathParams);
            Map<String, String> paging = new LinkedHashMap<>();
            switch (p.type()) {
                case "offset" -> {
                    paging.put(p.limitParam(), Integer.toString(p.size()));
                    paging.put(p.offsetParam(), Integer.toString(offset));
                }
                case "page" -> {
                    if (!p.limitParam().isEmpty()) { // "" = the PMS has a fixed page size
                        paging.put(p.limitParam(), Integer.toString(p.size()));
                    }
                    paging.put(p.pageParam(), Integer.toString(pageNo));
                }
                case "cursor" -> {
                    paging.put(p.limitParam(), Integer.toString(p.size()));
                    if (cursor != null) {
                        paging.put(p.cursorParam(), cursor);
                    }
                }
                default -> {
                }
            }
            if (p.inBody()) {
                paging.forEach((pointer, value) -> setAt(requestBody, pointer, value));
            } else {
                query.putAll(paging);
            }
            String path = expand(request.path(), pathParams);
            String what = request.method() + " " + path + pageLabel(p, offset, pageNo);
            JsonNode body;
            try {
                body = getJson(request.method(), path, query, requestBody, what);
            } catch (MalformedPageException e) {
                advance(p.size(), null);
                throw e;
            }
            lastBody = body;
            JsonNode records = body.at(JsonPointer.compile(request.records()));
            if (!records.isArray()) {
                advance(p.size(), null);
                throw new MalformedPageException(fail(what + ": no record list at '" + request.records() + "' in the answer"));
            }
            List<JsonNode> list = new ArrayList<>(records.size());
            records.forEach(list::add);
            if (list.isEmpty() || p.type().equals("none")) {
                done = true;
            } else {
                advance(list.size(), body);
            }
            return list;
        }

        public void stop() {
            done = true;
        }

        private void advance(int got, JsonNode body) {
            ApiSpec.Pagination p = request.pagination();
            switch (p.type()) {
                case "offset" -> {
                    done = body != null && got < p.size();
                    offset += Math.max(got, 1);
                }
                case "page" -> {
                    if (body != null && p.hasNextPath() != null) {
                        // e.g. {"next_page": 3} or {"pages": {"nextPageExists": true}}: absent, null, false or 0 = last page
                        JsonNode more = body.at(JsonPointer.compile(p.hasNextPath()));
                        done = more.isMissingNode() || more.isNull() || (more.isBoolean() && !more.asBoolean())
                                || (more.isNumber() && more.asLong() == 0) || (more.isTextual() && more.asText().isEmpty());
                    } else if (body != null && p.totalPagesPath() != null) {
                        JsonNode total = body.at(JsonPointer.compile(p.totalPagesPath()));
                        done = total.isNumber() && pageNo >= total.asInt();
                    } else {
                        done = body != null && got < p.size();
                    }
                    pageNo++;
                }
                case "cursor" -> {
                    // a page we could not read has no next cursor: the rest of this listing is out of reach
                    JsonNode next = body == null ? null : body.at(JsonPointer.compile(p.nextCursorPath()));
                    cursor = next == null || next.isNull() || next.isMissingNode() ? null : next.asText();
                    done = cursor == null || cursor.isEmpty();
                }
                default -> done = true;
            }
        }
    }

    /** All messages of one thread (every page); {@code record} fills {@code {/pointer}} placeholders. */
    public List<JsonNode> messages(String conversationId, JsonNode record) {
        return readMessages(conversationId, record, null);
    }

    /**
     * Reads every page of a thread's messages; with {@code envelope} set, the first answer's other fields (e.g.
     * the thread object the messages come in) are kept there under the request's {@code envelope} name.
     */
    private List<JsonNode> readMessages(String conversationId, JsonNode record, Map<String, JsonNode> envelope) {
        ApiSpec.Request m = source.api().messages();
        if (m == null) {
            return List.of();
        }
        Map<String, String> params = placeholders(m.path() + " " + String.join(" ", m.query().values()) + " " + m.body(), conversationId, record);
        if (params == null) {
            return List.of(); // e.g. a booking without a message thread yet
        }
        List<JsonNode> out = new ArrayList<>();
        Pager pager = pager(m, params, Map.of());
        for (List<JsonNode> page = pager.next(); page != null; page = pager.next()) {
            if (envelope != null && m.envelope() != null && !envelope.containsKey(m.envelope()) && pager.lastBody != null
                    && pager.lastBody.at(m.envelopePath()) instanceof com.fasterxml.jackson.databind.node.ObjectNode kept) {
                com.fasterxml.jackson.databind.node.ObjectNode rest = kept.deepCopy();
                // the messages themselves are not part of the envelope
                if (m.records().startsWith(m.envelopePath() + "/")) {
                    JsonPointer records = JsonPointer.compile(m.records().substring(m.envelopePath().length()));
                    if (rest.at(records.head()) instanceof com.fasterxml.jackson.databind.node.ObjectNode parent) {
                        parent.remove(records.last().getMatchingProperty());
                    }
                }
                envelope.put(m.envelope(), rest);
            }
            out.addAll(page);
        }
        return out;
    }

    /** The thread's own record through the "get one" call (no messages). */
    public JsonNode fetchRecord(String conversationId) {
        ApiSpec.Request get = source.api().get();
        if (get == null) {
            throw new UnsupportedOperationException(source.name() + " has no 'get one conversation' call");
        }
        Map<String, String> params = Map.of("id", conversationId);
        String path = expand(get.path(), params);
        Map<String, String> query = new LinkedHashMap<>();
        get.query().forEach((k, v) -> query.put(k, v.startsWith("{credential:") ? v : fill(v, params)));
        JsonNode body = getJson(get.method(), path, query, requestBody(get, params), get.method() + " " + path);
        JsonNode record = source.api().getRecordPath().isEmpty() ? body : body.at(JsonPointer.compile(source.api().getRecordPath()));
        if (!record.isObject()) {
            throw new MalformedPageException(fail(get.method() + " " + path + ": no conversation at '" + source.api().getRecordPath() + "'"));
        }
        return record;
    }

    /** One thread fetched live: the "get one" call plus its messages and related records. */
    public NativeBundle fetchOne(String conversationId) {
        return bundle(conversationId, fetchRecord(conversationId));
    }

    /** The thread {@code record} as listed, with its messages and related records read from the PMS. */
    public NativeBundle bundle(String conversationId, JsonNode record) {
        return withRelated(conversationId, withMessages(conversationId, record));
    }

    /** The thread {@code record} with its messages (and the messages answer's envelope, if the file keeps one). */
    public NativeBundle withMessages(String conversationId, JsonNode record) {
        Map<String, JsonNode> envelope = new LinkedHashMap<>();
        List<JsonNode> messages = readMessages(conversationId, record, envelope);
        return new NativeBundle(record, messages, envelope);
    }

    /**
     * Adds the related records (api.related); their paths may use what the messages answer carried, e.g.
     * {@code {/@answer/guest/id}}. Separate so a poll reads them only for threads whose messages changed.
     */
    public NativeBundle withRelated(String conversationId, NativeBundle bundle) {
        if (source.api().related().isEmpty()) {
            return bundle;
        }
        Map<String, JsonNode> related = new LinkedHashMap<>(bundle.related());
        JsonNode view = bundle.conversationWithRelated();
        if (view instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            // paths may read the messages too, as /@messages/*/...: e.g. the attachment ids each message links
            o = o.deepCopy();
            o.set(NativeBundle.RELATED_PREFIX + "messages", Json.MAPPER.valueToTree(bundle.messages()));
            view = o;
        }
        related.putAll(related(conversationId, view));
        return new NativeBundle(bundle.conversation(), bundle.messages(), related);
    }

    /**
     * The records the source file reads beside a thread (api.related). A placeholder the thread record does
     * not fill (e.g. an inquiry without a lead) leaves that record out: its fields map to null.
     */
    public Map<String, JsonNode> related(String conversationId, JsonNode thread) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        // in file order; a record's path may use one read before it (BookingSync: the client named by the participants)
        JsonNode record = thread.isObject() ? thread.deepCopy() : thread;
        source.api().related().forEach((name, rel) -> {
            Map<String, String> params = placeholders(rel.request().path() + " " + rel.request().body(), conversationId, record);
            if (params == null) {
                return;
            }
            String path = expand(rel.request().path(), params);
            String what = rel.request().method() + " " + path + " (" + name + ")";
            JsonNode requestBody = requestBody(rel.request(), params);
            String cacheKey = rel.cacheSeconds() > 0 ? name + " " + what + " " + requestBody : null;
            JsonNode found = cacheKey == null ? null : relatedCache.get(cacheKey);
            if (found == null) {
                JsonNode body = getJson(rel.request().method(), path, rel.request().query(), requestBody, what);
                found = rel.recordPath().isEmpty() ? body : body.at(JsonPointer.compile(rel.recordPath()));
                if (!found.isObject()) {
                    throw new MalformedPageException(fail(what + ": no record at '" + rel.recordPath() + "'"));
                }
                if (cacheKey != null) {
                    relatedCache.put(cacheKey, found, rel.cacheSeconds());
                }
            }
            out.put(name, found);
            if (record instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                o.set(NativeBundle.RELATED_PREFIX + name, found);
            }
        });
        return out;
    }

    /**
     * Values for a path's placeholders: {@code {id}} = the conversation id, {@code {/pointer}} = a value of the
     * thread record. Null when the record lacks one (the call cannot be made).
     */
    static Map<String, String> placeholders(String path, String conversationId, JsonNode record) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("id", conversationId);
        java.util.regex.Matcher m = POINTER_PLACEHOLDER.matcher(path);
        while (m.find()) {
            JsonNode v = record == null ? null : m.group(1).contains("/*/") ? collect(record, m.group(1))
                    : dev.pmsconversations.mapping.Selector.parse(m.group(1)).select(record, record);
            String value = v == null ? "" : v.isArray() ? joined(v) : v.isValueNode() && !v.isNull() ? v.asText() : "";
            if (value.isEmpty()) {
                return null;
            }
            params.put(m.group(1), value);
        }
        return params;
    }

    /**
     * {@code /a/*}{@code /b}: the values at {@code /b} of every element of the array at {@code /a}, arrays flattened, as one
     * array (BookingSync: every message's attachment ids, {@code /@messages/*}{@code /links/attachments}).
     */
    private static JsonNode collect(JsonNode record, String pointer) {
        int star = pointer.indexOf("/*/");
        com.fasterxml.jackson.databind.node.ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode element : record.at(JsonPointer.compile(pointer.substring(0, star)))) {
            String rest = pointer.substring(star + 2);
            JsonNode v = rest.contains("/*/") ? collect(element, rest) : element.at(JsonPointer.compile(rest));
            if (v.isArray()) {
                v.forEach(out::add);
            } else if (v.isValueNode() && !v.isNull()) {
                out.add(v);
            }
        }
        return out;
    }

    /** An array of ids as the comma-separated list APIs take in a path (e.g. /messages/1,2,3). */
    private static String joined(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(e -> {
            if (e.isValueNode() && !e.isNull() && !e.asText().isEmpty()) {
                parts.add(e.asText());
            }
        });
        return String.join(",", parts);
    }

    private static final java.util.regex.Pattern POINTER_PLACEHOLDER = java.util.regex.Pattern.compile("\\{(/[^}]*)}");

    /** The request's body template filled with the path placeholders' values; null for a request without a body. */
    static com.fasterxml.jackson.databind.node.ObjectNode requestBody(ApiSpec.Request request, Map<String, String> params) {
        return request.body() == null ? null : (com.fasterxml.jackson.databind.node.ObjectNode) BodyTemplate.render(request.body(), params);
    }

    /** Sets a paging value at a JSON pointer of the body (creating objects on the way); numbers stay numbers. */
    private static void setAt(com.fasterxml.jackson.databind.node.ObjectNode body, String pointer, String value) {
        JsonPointer ptr = JsonPointer.compile(pointer.startsWith("/") ? pointer : "/" + pointer);
        com.fasterxml.jackson.databind.node.ObjectNode parent = body;
        for (JsonPointer p = ptr; p.tail() != null && !p.tail().matches(); p = p.tail()) {
            JsonNode child = parent.get(p.getMatchingProperty());
            parent = child instanceof com.fasterxml.jackson.databind.node.ObjectNode o ? o : parent.putObject(p.getMatchingProperty());
        }
        String name = ptr.last().getMatchingProperty();
        if (value.matches("-?\\d{1,18}")) {
            parent.put(name, Long.parseLong(value));
        } else {
            parent.put(name, value);
        }
    }

    JsonNode getJson(String method, String path, Map<String, String> query, String what) {
        return getJson(method, path, query, null, what);
    }

    JsonNode getJson(String method, String path, Map<String, String> query, JsonNode body, String what) {
        PmsHttp.Response r = body == null ? call(method, baseUrl + path, query, null, null, what)
                : call(method, baseUrl + path, query, "application/json", body.toString(), what);
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new MalformedPageException(fail(what + ": answer is not valid JSON (" + shortReason(e) + ")"));
        }
    }

    private PmsHttp.Response call(String method, String url, Map<String, String> query, String contentType, String body, String what) {
        ApiSpec.Retry retry = source.api().retry();
        boolean reauthenticated = false;
        String last = "";
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            awaitPermits();
            Map<String, String> headers = new HashMap<>(source.api().headers());
            headers.putAll(authHeaders());
            requests.incrementAndGet();
            PmsHttp.Response r = http.send(method, url, withCredentials(query), headers, contentType, body);
            if (r.ok()) {
                return r;
            }
            if ((r.status() == 401 || r.status() == 403) && source.api().auth().issuesTokens() && !reauthenticated) {
                token = null; // expired or revoked: fetch a new one once
                reauthenticated = true;
                attempt--;
                continue;
            }
            if (r.status() == 401 || r.status() == 403) {
                throw new PmsApiException(source.key(), account.id(), what + ": authentication refused (HTTP " + r.status() + ")", r.status());
            }
            if (r.status() == 429) {
                rateLimited.incrementAndGet();
            }
            boolean transientFailure = r.status() == 429 || r.status() >= 500 || r.status() < 0;
            last = r.status() < 0 ? "no answer (" + r.body() + ")" : "HTTP " + r.status();
            if (!transientFailure) {
                throw new PmsApiException(source.key(), account.id(), what + ": " + last, r.status());
            }
            if (attempt < retry.maxAttempts()) {
                sleep(backoff(retry, attempt, r.retryAfter()));
            }
        }
        throw new PmsApiException(source.key(), account.id(), what + ": " + last + " after " + retry.maxAttempts() + " attempts", -1);
    }

    /** Waits until every published limit of the PMS allows one more request. */
    private void awaitPermits() {
        permits.await(account.id(), source.api().rateLimits());
    }

    public static long backoff(ApiSpec.Retry retry, int attempt, String retryAfter) {
        return Backoff.millis(retry.backoffMillis(), retry.maxBackoffMillis(), retry.maxBackoffMillis(), attempt, retryAfter);
    }

    private Map<String, String> authHeaders() {
        ApiSpec.Auth auth = source.api().auth();
        return switch (auth.type()) {
            case "header" -> Map.of(auth.header(), auth.prefix() + credential(auth.credential()).reveal());
            case "oauth2-client-credentials", "oauth2-refresh-token" -> Map.of("Authorization", "Bearer " + token());
            case "token-exchange" -> Map.of(auth.header(), auth.prefix() + token());
            default -> Map.of();
        };
    }

    private synchronized String token() {
        if (token != null) {
            return token;
        }
        ApiSpec.Auth auth = source.api().auth();
        String tokenUrl = URI.create(baseUrl + "/").resolve(auth.tokenUrl()).toString();
        boolean exchange = auth.type().equals("token-exchange");
        boolean refreshGrant = auth.type().equals("oauth2-refresh-token");
        String credentialHash = null;
        String refreshToken = null;
        Map<String, String> form = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Accept", "application/json"));
        com.fasterxml.jackson.databind.node.ObjectNode jsonBody = Json.MAPPER.createObjectNode();
        if (exchange) {
            if (auth.credentialHeader() != null) {
                headers.put(auth.credentialHeader(), credential(auth.credential()).reveal());
            }
            auth.tokenBody().forEach((field, name) -> jsonBody.put(field, credential(name).reveal()));
        } else if (refreshGrant) {
            String configured = credential(auth.credential()).reveal();
            credentialHash = RefreshTokens.credentialHash(configured);
            refreshToken = refreshTokens.load(account.id(), credentialHash).orElse(configured);
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", refreshToken);
            form.putAll(auth.form());
            form.put("client_id", credential(auth.clientIdCredential()).reveal());
            form.put("client_secret", credential(auth.clientSecretCredential()).reveal());
        } else {
            form.put("grant_type", "client_credentials");
            form.putAll(auth.form());
            form.put("client_id", credential(auth.clientIdCredential()).reveal());
            form.put("client_secret", credential(auth.clientSecretCredential()).reveal());
        }
        boolean post = !exchange || !auth.tokenBody().isEmpty();
        String what = (post ? "POST " : "GET ") + URI.create(tokenUrl).getPath() + " (access token)";
        ApiSpec.Retry retry = source.api().retry();
        for (int attempt = 1; ; attempt++) {
            awaitPermits();
            requests.incrementAndGet();
            PmsHttp.Response r = !exchange ? http.send("POST", tokenUrl, Map.of(), headers, "application/x-www-form-urlencoded", PmsHttp.encode(form))
                    : post ? http.send("POST", tokenUrl, Map.of(), headers, "application/json", jsonBody.toString())
                    : http.send("GET", tokenUrl, Map.of(), headers, null, null);
            if (r.ok()) {
                try {
                    JsonNode answer = Json.MAPPER.readTree(r.body());
                    JsonNode t = answer.at(JsonPointer.compile(auth.tokenPath()));
                    if (!t.isTextual() || t.asText().isEmpty()) {
                        throw new PmsApiException(source.key(), account.id(), what + ": no token at '" + auth.tokenPath() + "'", r.status());
                    }
                    if (refreshGrant) {
                        // kept before the new access token is used: the PMS revokes the old refresh token at that moment
                        JsonNode rotated = answer.at(JsonPointer.compile(auth.refreshTokenPath()));
                        if (rotated.isTextual() && !rotated.asText().isEmpty() && !rotated.asText().equals(refreshToken)) {
                            refreshTokens.save(account.id(), credentialHash, rotated.asText());
                        }
                    }
                    if (auth.readyAfterMillis() > 0) {
                        sleep(auth.readyAfterMillis()); // some PMSs accept a new token only after a moment
                    }
                    token = t.asText();
                    return token;
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new PmsApiException(source.key(), account.id(), what + ": answer is not valid JSON", r.status());
                }
            }
            if (r.status() == 400 || r.status() == 401 || r.status() == 403) {
                throw new PmsApiException(source.key(), account.id(), what + ": credentials refused (HTTP " + r.status() + errorText(r.body()) + ")"
                        + (refreshGrant ? "; the refresh token is revoked or expired: authorise the app again and set credential '"
                        + auth.credential() + "' to the new refresh token" : ""), 401);
            }
            if (attempt >= retry.maxAttempts()) {
                throw new PmsApiException(source.key(), account.id(), what + ": HTTP " + r.status() + " after " + attempt + " attempts", r.status());
            }
            sleep(backoff(retry, attempt, r.retryAfter()));
        }
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
                out.put(e.getKey(), credential(v.substring(12, v.length() - 1)).reveal());
            }
        }
        return out == null ? query : out;
    }

    private Secret credential(String name) {
        Secret s = account.credentials().get(name);
        if (s == null) {
            throw new PmsApiException(source.key(), account.id(), "credential '" + name + "' is not configured", 401);
        }
        return s;
    }

    private String fail(String what) {
        return "source '" + source.key() + "', account '" + account.id() + "': " + what;
    }

    /** Fills placeholders in a query value (encoded later, with the rest of the query). */
    private static String fill(String value, Map<String, String> params) {
        String out = value;
        for (Map.Entry<String, String> e : params.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    static String expand(String path, Map<String, String> params) {
        String out = path;
        for (Map.Entry<String, String> e : params.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String pageLabel(ApiSpec.Pagination p, int offset, int page) {
        return switch (p.type()) {
            case "offset" -> " (offset " + offset + ")";
            case "page" -> " (page " + page + ")";
            case "cursor" -> " (cursor)";
            default -> "";
        };
    }

    private static String shortReason(Exception e) {
        return firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }

    /** A 2xx answer whose body is not what the source file describes. */
    public static final class MalformedPageException extends RuntimeException {
        MalformedPageException(String message) {
            super(message);
        }
    }

}
