package dev.pmsconversations.source;

import dev.pmsconversations.limits.RateLimit;
import dev.pmsconversations.yaml.YamlNode;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code api:} section of a source file: how to talk to the PMS. Read once, immutable. */
public record ApiSpec(
        String baseUrl,
        ZoneId timeZone,
        Auth auth,
        Map<String, String> headers,
        List<RateLimit> rateLimits,
        Retry retry,
        Request list,
        String listIdPath,
        Explode listExplode,
        ListParent listParent,
        Request get,
        String getRecordPath,
        Request messages,
        Map<String, Related> related,
        Incremental incremental,
        SendSpec send,
        WebhookSpec webhook,
        Request check,
        WebhookSetup webhookSetup,
        ConnectSpec connect) {

    public record Auth(String type, String tokenUrl, Map<String, String> form, String clientIdCredential,
                       String clientSecretCredential, String tokenPath, long readyAfterMillis, String header,
                       String credential, String prefix, String credentialHeader, Map<String, String> tokenBody,
                       String refreshTokenPath) {
        /** Auth whose token the client fetches and may fetch again when the PMS refuses it. */
        public boolean issuesTokens() {
            return type.startsWith("oauth2-") || type.equals("token-exchange");
        }

        public Set<String> credentialNames() {
            return switch (type) {
                case "oauth2-client-credentials" -> Set.of(clientIdCredential, clientSecretCredential);
                case "oauth2-refresh-token" -> Set.of(clientIdCredential, clientSecretCredential, credential);
                case "header" -> Set.of(credential);
                case "token-exchange" -> {
                    Set<String> names = new java.util.TreeSet<>(tokenBody.values());
                    if (credential != null) {
                        names.add(credential);
                    }
                    yield names;
                }
                default -> Set.of();
            };
        }
    }

    /** Credentials the requests name as {@code {credential:x}} query values (besides the auth's own). */
    public Set<String> queryCredentials() {
        Set<String> out = new java.util.TreeSet<>();
        List<Request> requests = new java.util.ArrayList<>(java.util.Arrays.asList(list, get, messages));
        related.values().forEach(r -> requests.add(r.request()));
        for (Request r : requests) {
            if (r != null) {
                r.query().values().stream().filter(v -> v.startsWith("{credential:") && v.endsWith("}"))
                        .forEach(v -> out.add(v.substring(12, v.length() - 1)));
            }
        }
        return out;
    }

    /**
     * A listed record that holds several threads (OwnerRez: a booking with {@code thread_ids}): one thread record per
     * element of the array at {@code path}, a copy of the listed record with the element added as field {@code as}.
     */
    public record Explode(String path, String as) {
    }

    /**
     * A list call that needs a parent's id (Hospitable: reservations need {@code properties[]}): the parent list is
     * read first, then the list once per parent, with the parent's id (at {@code idPath}) in query {@code param}.
     */
    public record ListParent(Request request, String idPath, String param) {
    }

    public record Retry(int maxAttempts, long backoffMillis, long maxBackoffMillis) {
    }

    /**
     * offset: limit/offset parameters. page: page number (+ optional page count pointer). cursor: the answer
     * carries the next cursor at {@code nextCursorPath}, sent back in {@code cursorParam}; empty means done.
     */
    public record Pagination(String type, String limitParam, String offsetParam, String pageParam, int size,
                             int firstPage, String totalPagesPath, String cursorParam, String nextCursorPath, String hasNextPath,
                             boolean inBody) {
        public static final Pagination NONE = new Pagination("none", null, null, null, 0, 0, null, null, null, null, false);
    }

    /**
     * A record read beside each thread (e.g. the lead or guest it points to): {@code path} with {@code {/pointer}}
     * placeholders filled from the thread record, {@code record} the pointer of the object in the answer.
     * Mapping rules read it as {@code /@name/...}. Fetched only for threads whose content is read.
     */
    /**
     * @param cacheSeconds how long a record read by the same request is reused (0: read at every change of the
     *                     thread); a guest or reservation rarely changes, so its thread's next message costs no call
     */
    public record Related(Request request, String recordPath, int cacheSeconds) {
    }

    /**
     * @param envelope     for the messages call: keep the answer's other fields as the related record of this name
     * @param envelopePath the part of the answer to keep (default: all of it), e.g. {@code /data} without {@code request_id}
     * @param body         a JSON body template (RPC-style APIs such as RentalWise's {@code POST thread/query}): {@code ${id}} and
     *                     {@code ${/pointer}} are filled like path placeholders; null for a request without a body
     */
    public record Request(String method, String path, Map<String, String> query, String records, Pagination pagination,
                          String envelope, String envelopePath, com.fasterxml.jackson.databind.JsonNode body) {
    }

    /**
     * marker: list everything, fetch messages only where the record's marker changed.
     * sortedDesc: list newest-activity first and stop at the stored cursor.
     * updatedSince: list with the PMS's own "changed since" filter, from the newest change seen.
     * window: list with a date filter relative to now (e.g. reservations departing from N days ago).
     */
    public record Incremental(String strategy, List<String> marker, Map<String, String> sortQuery, String updatedPath,
                              String updatedFormat, String windowParam, int windowDaysBack, String windowFormat, String windowPath,
                              Activity activity) {
    }

    /**
     * Strategy {@code activity}: a call listing recent messages across threads (Beds24: GET /bookings/messages?maxAge=1).
     * A poll reads only the threads with a message newer than the last one seen ({@code threadId}, {@code time} of each
     * listed message); a first poll, or one after a pause longer than {@code withinDays}, lists the window instead.
     */
    public record Activity(Request request, String threadIdPath, String timePath, String timeFormat, int withinDays) {
    }

    static ApiSpec read(YamlNode api) {
        api.onlyKeys(Set.of("baseUrl", "timeZone", "auth", "headers", "rateLimit", "retry", "list", "get", "messages",
                "incremental", "send", "webhook", "docs", "related", "check", "connect"));
        String baseUrl = api.text("baseUrl");
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw api.get("baseUrl").error("must be an http(s) URL");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(api.text("timeZone", "UTC"));
        } catch (RuntimeException e) {
            throw api.get("timeZone").error("unknown time zone");
        }
        YamlNode list = api.get("list");
        YamlNode get = api.get("get");
        Auth auth = auth(api.get("auth"));
        return new ApiSpec(baseUrl.replaceAll("/+$", ""), zone, auth,
                api.has("headers") ? api.get("headers").stringMap() : Map.of(),
                rateLimits(api.get("rateLimit")), retry(api.get("retry")),
                request(list, Set.of("id", "explode", "parent")), list.text("id", "/id"), explode(list.get("explode")),
                list.get("parent").isMissing() ? null : new ListParent(request(list.get("parent"), Set.of("id", "param")),
                        list.get("parent").text("id", "/id"), list.get("parent").text("param")),
                get.isMissing() ? null : request(get, Set.of("record")), get.isMissing() ? null : get.text("record", ""),
                api.get("messages").isMissing() ? null : request(api.get("messages"), Set.of("envelope", "envelopePath")),
                related(api.get("related")),
                incremental(api.get("incremental")), SendSpec.read(api.get("send")), WebhookSpec.read(api.get("webhook")),
                api.get("check").isMissing() ? null : request(api.get("check"), Set.of()), WebhookSetup.read(api.get("webhook")),
                ConnectSpec.read(api.get("connect"), auth));
    }

    private static Explode explode(YamlNode e) {
        if (e.isMissing()) {
            return null;
        }
        e.onlyKeys(Set.of("path", "as"));
        return new Explode(e.text("path"), e.text("as"));
    }

    private static Map<String, Related> related(YamlNode r) {
        if (r.isMissing()) {
            return Map.of();
        }
        Map<String, Related> out = new java.util.LinkedHashMap<>();
        r.entries().forEach((name, spec) -> {
            if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                throw spec.error("related record name '" + name + "' must be a word (it is read as /@" + name + "/...)");
            }
            int cache = spec.integer("cache", 0);
            if (cache < 0) {
                throw spec.get("cache").error("cache is a number of seconds (0: no cache)");
            }
            out.put(name, new Related(request(spec, Set.of("record", "cache")), spec.text("record", ""), cache));
        });
        return java.util.Collections.unmodifiableMap(out); // file order: a related record may use one read before it
    }

    private static Auth auth(YamlNode a) {
        String type = a.object().text("type");
        return switch (type) {
            case "oauth2-client-credentials" -> {
                a.onlyKeys(Set.of("type", "tokenUrl", "form", "clientId", "clientSecret", "tokenPath", "readyAfterMillis"));
                yield new Auth(type, a.text("tokenUrl"), a.has("form") ? a.get("form").stringMap() : Map.of(),
                        a.text("clientId", "clientId"), a.text("clientSecret", "clientSecret"),
                        a.text("tokenPath", "/access_token"), a.integer("readyAfterMillis", 0), null, null, null, null, Map.of(), null);
            }
            case "oauth2-refresh-token" -> {
                // BookingSync (Doorkeeper): grant_type=refresh_token; each answer may carry a new refresh token (rotation),
                // kept in the state store, because the old one is revoked once the new access token is used
                a.onlyKeys(Set.of("type", "tokenUrl", "form", "clientId", "clientSecret", "refreshToken", "tokenPath", "refreshTokenPath"));
                yield new Auth(type, a.text("tokenUrl"), a.has("form") ? a.get("form").stringMap() : Map.of(),
                        a.text("clientId", "clientId"), a.text("clientSecret", "clientSecret"), a.text("tokenPath", "/access_token"), 0,
                        null, a.text("refreshToken", "refreshToken"), null, null, Map.of(), a.text("refreshTokenPath", "/refresh_token"));
            }
            case "header" -> {
                a.onlyKeys(Set.of("type", "header", "credential", "prefix"));
                yield new Auth(type, null, Map.of(), null, null, null, 0, a.text("header"), a.text("credential"), a.text("prefix", ""), null,
                        Map.of(), null);
            }
            case "token-exchange" -> {
                // Beds24: GET /authentication/token with header refreshToken → {"token"}; then header token: <token>.
                // Resly: POST /token with a JSON body {accountId, key} (field → credential name) → {"token"}.
                a.onlyKeys(Set.of("type", "tokenUrl", "credentialHeader", "credential", "body", "tokenPath", "header", "prefix"));
                Map<String, String> body = a.has("body") ? a.get("body").stringMap() : Map.of();
                if (body.isEmpty() && !a.has("credentialHeader")) {
                    throw a.error("token-exchange sends a credential: credentialHeader + credential, or body {field: credential}");
                }
                yield new Auth(type, a.text("tokenUrl"), Map.of(), null, null, a.text("tokenPath", "/token"), 0, a.text("header"),
                        a.text("credential", null), a.text("prefix", ""), a.text("credentialHeader", null), body, null);
            }
            case "none" -> new Auth(type, null, Map.of(), null, null, null, 0, null, null, null, null, Map.of(), null);
            default -> throw a.get("type").error("unknown auth type '" + type + "'; one of oauth2-client-credentials, oauth2-refresh-token, token-exchange, header, none");
        };
    }

    /** One limit ({requests, perSeconds}) or several that all hold (e.g. per second and per minute). */
    static List<RateLimit> rateLimits(YamlNode r) {
        if (r.isMissing()) {
            return List.of(new RateLimit(10, 1));
        }
        if (r.isArray()) {
            return r.items().stream().map(ApiSpec::rateLimit).toList();
        }
        return List.of(rateLimit(r));
    }

    private static RateLimit rateLimit(YamlNode r) {
        r.onlyKeys(Set.of("requests", "perSeconds", "scope", "note"));
        int requests = r.integer("requests", 10);
        int per = r.integer("perSeconds", 1);
        if (requests < 1 || per < 1) {
            throw r.error("requests and perSeconds must be at least 1");
        }
        String scope = r.text("scope", "account");
        return switch (scope) {
            case "account" -> new RateLimit(requests, per, RateLimit.Scope.ACCOUNT);
            case "ip" -> new RateLimit(requests, per, RateLimit.Scope.IP);
            case "app" -> new RateLimit(requests, per, RateLimit.Scope.APP);
            default -> throw r.get("scope").error("unknown rate limit scope '" + scope + "'; one of account (each account's requests), "
                    + "ip (every account's, from this deployment's address), app (every account's, under this deployment's application)");
        };
    }

    private static Retry retry(YamlNode r) {
        if (r.isMissing()) {
            return new Retry(4, 500, 30_000);
        }
        r.onlyKeys(Set.of("maxAttempts", "backoffMillis", "maxBackoffMillis"));
        return new Retry(Math.max(1, r.integer("maxAttempts", 4)), r.integer("backoffMillis", 500), r.integer("maxBackoffMillis", 30_000));
    }

    static Request request(YamlNode r, Set<String> extraKeys) {
        return request(r, extraKeys, Set.of("id"));
    }

    /** @param bodyVariables the {@code ${name}} placeholders a body may use besides {@code ${/pointer}} */
    static Request request(YamlNode r, Set<String> extraKeys, Set<String> bodyVariables) {
        Set<String> keys = new java.util.HashSet<>(Set.of("method", "path", "query", "records", "pagination", "body"));
        keys.addAll(extraKeys);
        r.onlyKeys(keys);
        String path = r.text("path");
        if (!path.startsWith("/")) {
            throw r.get("path").error("must start with '/' (it is appended to baseUrl)");
        }
        com.fasterxml.jackson.databind.JsonNode body = null;
        if (r.has("body")) {
            BodyTemplate.checkRequest(r.get("body").object(), bodyVariables);
            body = r.get("body").json();
        }
        Pagination pagination = pagination(r.get("pagination"));
        if (pagination.inBody() && body == null) {
            throw r.get("pagination").error("'in: body' needs a request body (body: {...})");
        }
        return new Request(r.text("method", body == null ? "GET" : "POST"), path, r.has("query") ? r.get("query").stringMap() : Map.of(),
                r.text("records", ""), pagination, r.text("envelope", null), r.text("envelopePath", ""), body);
    }

    private static Pagination pagination(YamlNode p) {
        if (p.isMissing()) {
            return Pagination.NONE;
        }
        String type = p.object().text("type");
        return switch (type) {
            case "offset" -> {
                p.onlyKeys(Set.of("type", "limitParam", "offsetParam", "size", "hasNext", "in"));
                yield new Pagination(type, p.text("limitParam", "limit"), p.text("offsetParam", "offset"), null,
                        p.integer("size", 100), 0, null, null, null, p.text("hasNext", null), inBody(p));
            }
            case "page" -> {
                p.onlyKeys(Set.of("type", "pageParam", "sizeParam", "size", "firstPage", "totalPages", "hasNext", "in"));
                yield new Pagination(type, p.text("sizeParam", "pageSize"), null, p.text("pageParam", "page"),
                        p.integer("size", 100), p.integer("firstPage", 1), p.text("totalPages", null), null, null,
                        p.text("hasNext", null), inBody(p));
            }
            case "cursor" -> {
                p.onlyKeys(Set.of("type", "cursorParam", "nextCursor", "sizeParam", "size", "in"));
                yield new Pagination(type, p.text("sizeParam", "limit"), null, null, p.integer("size", 100), 0, null,
                        p.text("cursorParam"), p.text("nextCursor"), null, inBody(p));
            }
            case "none" -> Pagination.NONE;
            default -> throw p.get("type").error("unknown pagination '" + type + "'; one of offset, page, cursor, none");
        };
    }

    /**
     * {@code in: body}: the paging parameters are JSON pointers into the request body (RentalWise:
     * {@code /paginate/page}, {@code /paginate/perpage}); by default they are query parameters.
     */
    private static boolean inBody(YamlNode p) {
        String in = p.text("in", "query");
        if (!in.equals("query") && !in.equals("body")) {
            throw p.get("in").error("must be query or body");
        }
        if (in.equals("body")) {
            for (String k : List.of("pageParam", "sizeParam", "limitParam", "offsetParam", "cursorParam")) {
                if (p.has(k) && !p.text(k).isEmpty() && !p.text(k).startsWith("/")) {
                    throw p.get(k).error("with 'in: body' this is a JSON pointer into the body, e.g. /paginate/" + p.text(k));
                }
            }
        }
        return in.equals("body");
    }

    private static Incremental incremental(YamlNode i) {
        if (i.isMissing()) {
            return new Incremental("full", List.of(), Map.of(), null, null, null, 0, null, null, null);
        }
        String strategy = i.object().text("strategy");
        return switch (strategy) {
            case "full" -> new Incremental(strategy, List.of(), Map.of(), null, null, null, 0, null, null, null);
            case "marker" -> {
                i.onlyKeys(Set.of("strategy", "marker", "note"));
                yield new Incremental(strategy, i.get("marker").textList(), Map.of(), null, null, null, 0, null, null, null);
            }
            case "sortedDesc" -> {
                i.onlyKeys(Set.of("strategy", "sortQuery", "updated", "format", "note"));
                yield new Incremental(strategy, List.of(i.text("updated")), i.has("sortQuery") ? i.get("sortQuery").stringMap() : Map.of(),
                        i.text("updated"), i.text("format", "iso"), null, 0, null, null, null);
            }
            case "updatedSince" -> {
                // the PMS filters the list itself (BookingSync: updated_since=<time>, inclusive): a poll asks for what changed
                // since the newest `updated` time seen; `updated` is also the marker, so an unchanged thread is not read
                i.onlyKeys(Set.of("strategy", "param", "updated", "format", "marker", "note"));
                List<String> marker = new java.util.ArrayList<>(List.of(i.text("updated")));
                if (i.has("marker")) {
                    i.get("marker").textList().stream().filter(m -> !marker.contains(m)).forEach(marker::add);
                }
                yield new Incremental(strategy, List.copyOf(marker), Map.of(), i.text("updated"), i.text("format", "iso"),
                        i.text("param"), 0, null, null, null);
            }
            case "window" -> {
                // param: a date filter the PMS applies; path: a date of each listed record we compare ourselves
                i.onlyKeys(Set.of("strategy", "param", "path", "daysBack", "format", "marker", "note"));
                if (i.has("param") == i.has("path")) {
                    throw i.error("window needs either 'param' (a date filter of the list call) or 'path' (a date in each listed record)");
                }
                yield new Incremental(strategy, i.has("marker") ? i.get("marker").textList() : List.of(), Map.of(), null, null,
                        i.text("param", null), i.integer("daysBack", 30), i.text("format", "yyyy-MM-dd"), i.text("path", null), null);
            }
            case "activity" -> {
                i.onlyKeys(Set.of("strategy", "request", "threadId", "time", "timeFormat", "withinDays", "param", "daysBack", "format", "note"));
                Activity activity = new Activity(request(i.get("request"), Set.of()), i.text("threadId"), i.text("time"),
                        i.text("timeFormat", "iso"), Math.max(1, i.integer("withinDays", 1)));
                yield new Incremental(strategy, List.of(), Map.of(), null, null, i.text("param"), i.integer("daysBack", 30),
                        i.text("format", "yyyy-MM-dd"), null, activity);
            }
            default -> throw i.get("strategy").error("unknown strategy '" + strategy + "'; one of full, marker, sortedDesc, updatedSince, window, activity");
        };
    }
}
