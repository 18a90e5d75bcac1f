package dev.pmsconversations.source;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.limits.RequestPermits;
import dev.pmsconversations.mapping.NativeBundle;
import dev.pmsconversations.model.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One PMS account as its source file describes it: the threads, their messages and related records, and the send
 * call. The file's sections each have their own part: {@link Requester} (requests, rate limits, retries) with its
 * {@link Authenticator} ({@code auth}), {@link Pager} ({@code pagination}), {@link RequestTemplates} (placeholders and
 * bodies) and {@link Sender} ({@code send}); this class reads threads with them.
 */
public final class AccountClient {
    private final PmsAccount pms;
    private final Requester requester;
    private final Sender sender;
    /** Related records of the source file's {@code cache:} entries, per account, bounded (least recently used go). */
    private final RelatedCache relatedCache = new RelatedCache(2000);

    /**
     * {@code refreshTokens}: where a rotated refresh token is kept; {@code permits}: where the PMS's published limits are
     * counted (this JVM, or shared by every node).
     */
    public AccountClient(SourceDefinition source, AccountConfig account, PmsHttp http, RefreshTokens refreshTokens,
                         RequestPermits permits) {
        this.pms = PmsAccount.of(source, account);
        this.requester = new Requester(pms, http, refreshTokens, permits);
        this.sender = new Sender(pms, requester);
    }

    public SourceDefinition source() {
        return pms.source();
    }

    public AccountConfig account() {
        return pms.account();
    }

    /** 429 answers the PMS gave so far (reads and sends). */
    public long rateLimitedCount() {
        return requester.rateLimitedCount();
    }

    /** Requests sent to the PMS so far (for progress and tests). */
    public long requestCount() {
        return requester.requestCount();
    }

    /**
     * Waits until the PMS's limits (the account's, and the send call's own) allow one send. Called right before the
     * send call (only the claim's renewal, one database update, comes between): a permit keeps the PMS's count only
     * when its request follows at once.
     */
    public void awaitSendPermits() {
        sender.awaitPermits();
    }

    /**
     * One attempt of the PMS's send call (after {@link #awaitSendPermits()}), never retried here: after a 5xx or a timeout
     * the PMS may have accepted the message, so the caller checks before trying again. A 429 or a refused connection means
     * "not processed"; other 4xx are final.
     */
    public SendOutcome send(Map<String, String> pathParams, JsonNode body) {
        return sender.send(pathParams, body);
    }

    /** The values a send needs from the PMS first (api.send.prepare); see {@link Sender#prepare}. */
    public Map<String, String> prepareSend(String conversationId) {
        return sender.prepare(conversationId);
    }

    /** A paginated list, read lazily page by page ({@link Pager}). */
    public Pager pager(ApiSpec.Request request, Map<String, String> pathParams, Map<String, String> extraQuery) {
        return new Pager(requester, pms, request, pathParams, extraQuery);
    }

    /**
     * One cheap call with the account's credentials before they are stored: the source file's {@code api.check}, else the
     * first page of its list call (of its parent list where threads hang under another record). Throws what the PMS
     * answered, e.g. a refusal.
     */
    public void checkCredentials() {
        ApiSpec api = pms.source().api();
        if (api.check() != null) { // any 2xx answer will do: no records to read
            ApiSpec.Request c = api.check();
            requester.getJson(c.method(), c.path(), new LinkedHashMap<>(c.query()), RequestTemplates.requestBody(c, Map.of()),
                    "credential check " + c.method() + " " + c.path());
            return;
        }
        ApiSpec.Request first = api.listParent() != null ? api.listParent().request() : api.list();
        if (first == null) {
            throw new UnsupportedOperationException(pms.source().name() + " has no list call to check credentials with");
        }
        pager(first, Map.of(), Map.of()).next();
    }

    /** A webhook subscription made at the PMS: its id there and the secrets the PMS issued for it (by credential name). */
    public record Subscription(String id, Map<String, String> issued) {
    }

    /**
     * Subscribes {@code url} to the PMS's webhooks through its API ({@code api.webhook.subscribe.create}), the account's
     * credentials authenticating the call; {@code generated} fills the body's {@code ${name}} secrets. Throws what the PMS
     * answered, or a {@link PmsApiException} when the answer lacks the id or an issued secret.
     */
    public Subscription subscribeWebhook(String url, Map<String, String> generated) {
        WebhookSetup setup = pms.source().api().webhookSetup();
        ApiSpec.Request c = setup.create();
        Map<String, Object> values = new LinkedHashMap<>(generated);
        values.put("url", url);
        for (String name : setup.credentials()) {
            values.put(name, pms.credential(name).reveal());
        }
        JsonNode answer = requester.getJson(c.method(), c.path(), new LinkedHashMap<>(c.query()),
                c.body() == null ? null : BodyTemplate.render(c.body(), values), "webhook subscription " + c.method() + " " + c.path());
        JsonNode id = answer.at(com.fasterxml.jackson.core.JsonPointer.compile(setup.idPath()));
        if (!id.isValueNode() || id.asText().isEmpty()) {
            throw pms.error("webhook subscription: the answer has no id at " + setup.idPath(), 200);
        }
        JsonNode secrets = answer;
        ApiSpec.Request by = setup.issuedBy();
        if (by != null) { // the PMS answers its secrets at a call of their own
            Map<String, String> query = new LinkedHashMap<>();
            by.query().forEach((k, v) -> query.put(k, v.replace("${url}", url)));
            try {
                secrets = requester.getJson(by.method(), by.path(), query, null, "webhook secret " + by.method() + " " + by.path());
            } catch (RuntimeException e) {
                unsubscribeQuietly(id.asText()); // nothing half-made: a subscription whose calls could not be checked
                throw e;
            }
        }
        Map<String, String> issued = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : setup.issued().entrySet()) {
            JsonNode v = secrets.at(com.fasterxml.jackson.core.JsonPointer.compile(e.getValue()));
            if (!v.isValueNode() || v.asText().isEmpty()) {
                unsubscribeQuietly(id.asText());
                throw pms.error("webhook subscription: the answer has no " + e.getKey() + " at " + e.getValue(), 200);
            }
            issued.put(e.getKey(), v.asText());
        }
        return new Subscription(id.asText(), issued);
    }

    private void unsubscribeQuietly(String id) {
        try {
            unsubscribeWebhook(id);
        } catch (RuntimeException ignored) {
            // the account is not created; the failure reported is the subscription's
        }
    }

    /** Deletes the subscription {@code id} ({@code api.webhook.subscribe.delete}); a 404 means it is gone already. */
    public void unsubscribeWebhook(String id) {
        ApiSpec.Request d = pms.source().api().webhookSetup().delete();
        try {
            requester.getJson(d.method(), d.path().replace("{subscriptionId}", java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)),
                    new LinkedHashMap<>(d.query()), d.body() == null ? null : BodyTemplate.render(d.body(), Map.of("subscriptionId", id)),
                    "webhook unsubscription " + d.method() + " " + d.path());
        } catch (PmsApiException e) {
            if (e.status() != 404) {
                throw e;
            }
        } catch (MalformedPageException e) {
            // a 2xx answer without a JSON body (e.g. 204): deleted
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
        ApiSpec.Request m = pms.source().api().messages();
        if (m == null) {
            return List.of();
        }
        Map<String, String> params = RequestTemplates.placeholders(m.path() + " " + String.join(" ", m.query().values()) + " " + m.body(), conversationId, record);
        if (params == null) {
            return List.of(); // e.g. a booking without a message thread yet
        }
        List<JsonNode> out = new ArrayList<>();
        Pager pager = pager(m, params, Map.of());
        for (List<JsonNode> page = pager.next(); page != null; page = pager.next()) {
            if (envelope != null && m.envelope() != null && !envelope.containsKey(m.envelope()) && pager.lastBody() != null
                    && pager.lastBody().at(m.envelopePath()) instanceof com.fasterxml.jackson.databind.node.ObjectNode kept) {
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
        ApiSpec.Request get = pms.source().api().get();
        if (get == null) {
            throw new UnsupportedOperationException(pms.source().name() + " has no 'get one conversation' call");
        }
        Map<String, String> params = Map.of("id", conversationId);
        String path = RequestTemplates.expand(get.path(), params);
        Map<String, String> query = new LinkedHashMap<>();
        get.query().forEach((k, v) -> query.put(k, v.startsWith("{credential:") ? v : RequestTemplates.fill(v, params)));
        JsonNode body = requester.getJson(get.method(), path, query, RequestTemplates.requestBody(get, params), get.method() + " " + path);
        JsonNode record = pms.source().api().getRecordPath().isEmpty() ? body : body.at(JsonPointer.compile(pms.source().api().getRecordPath()));
        if (!record.isObject()) {
            throw new MalformedPageException(pms.fail(get.method() + " " + path + ": no conversation at '" + pms.source().api().getRecordPath() + "'"));
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
        if (pms.source().api().related().isEmpty()) {
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
        pms.source().api().related().forEach((name, rel) -> {
            Map<String, String> params = RequestTemplates.placeholders(rel.request().path() + " " + rel.request().body(), conversationId, record);
            if (params == null) {
                return;
            }
            String path = RequestTemplates.expand(rel.request().path(), params);
            String what = rel.request().method() + " " + path + " (" + name + ")";
            JsonNode requestBody = RequestTemplates.requestBody(rel.request(), params);
            String cacheKey = rel.cacheSeconds() > 0 ? name + " " + what + " " + requestBody : null;
            JsonNode found = cacheKey == null ? null : relatedCache.get(cacheKey);
            if (found == null) {
                JsonNode body = requester.getJson(rel.request().method(), path, rel.request().query(), requestBody, what);
                found = rel.recordPath().isEmpty() ? body : body.at(JsonPointer.compile(rel.recordPath()));
                if (!found.isObject()) {
                    throw new MalformedPageException(pms.fail(what + ": no record at '" + rel.recordPath() + "'"));
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
}
