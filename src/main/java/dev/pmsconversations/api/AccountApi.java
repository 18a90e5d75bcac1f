package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.account.AccountClients;
import dev.pmsconversations.account.AccountHealth;
import dev.pmsconversations.account.AccountStore;
import dev.pmsconversations.account.StoredAccount;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.PmsApiException;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.source.AccountClient;
import dev.pmsconversations.source.WebhookSetup;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.sync.Resync;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.camel.Exchange;

/**
 * The accounts as a resource: {@code POST/GET /v2/accounts}, {@code GET/PATCH/DELETE /v2/accounts/{id}} and
 * {@code POST /v2/accounts/{id}/resync}. Accounts of the configuration file are listed as {@code managedBy: config} and
 * cannot be changed here (409); the others live in the store ({@link AccountStore}), their credentials checked against
 * the PMS before they are stored and encrypted there. Creating, changing and removing need a token for every account
 * (an operator's); a token limited to accounts reads only those. No answer carries a credential value: only which keys
 * are set.
 */
public final class AccountApi {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;
    private static final Set<String> CREATE_FIELDS = Set.of("id", "source", "name", "externalRef", "credentials", "schedule", "sinks",
            "tags", "baseUrl", "timeZone", "paused", "webhooks");
    private static final Set<String> PATCH_FIELDS = Set.of("name", "externalRef", "credentials", "schedule", "sinks", "tags", "paused");
    private final StateStore store;
    private final SourceRegistry sources;
    private final AccountClients accounts;
    private final AccountStore stored;
    private final Set<String> sinkNames;
    private final AccountFields fields;
    private final AccountViews views;
    private final AccountHealth health;
    /** Applies one account's change on this node at once (the other nodes follow within their follow interval). */
    private final java.util.function.Consumer<String> follow;
    private final Clock clock;
    /** {@code api.publicUrl}: where the PMSs reach the webhook receiver; null: webhooks are registered by hand. */
    private final String publicUrl;

    public AccountApi(StateStore store, SourceRegistry sources, AccountClients accounts, AccountStore stored, Set<String> sinkNames,
                      AccountHealth health, java.util.function.Consumer<String> follow, Clock clock, String publicUrl) {
        this.publicUrl = publicUrl;
        this.store = store;
        this.sources = sources;
        this.accounts = accounts;
        this.stored = stored;
        this.sinkNames = sinkNames;
        this.fields = new AccountFields(sources, sinkNames);
        this.views = new AccountViews(sources, publicUrl);
        this.health = health;
        this.follow = follow;
        this.clock = clock;
    }

    /** POST /v2/accounts: 201 with the account; its credentials are checked against the PMS first (422 when refused). */
    public String create(Exchange ex) {
        ObjectNode created = create(ApiAuth.scope(ex), AccountFields.body(ex));
        ex.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        return Envelope.ok(created).toString();
    }

    /** Creates the account {@code body} describes (the API's and the CLI's {@code accounts add}); the account as answered. */
    public ObjectNode create(ApiAuth.Scope scope, JsonNode body) {
        operator(scope, "create accounts");
        AccountFields.onlyFields(body, CREATE_FIELDS);
        String id = body.hasNonNull("id") ? AccountFields.text(body, "id") : "acc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        if (!id.matches("[A-Za-z0-9_-]{1,128}")) {
            throw ApiException.invalid("id", "letters, digits, '-' and '_', at most 128");
        }
        if (accounts.fromConfiguration(id) || stored.find(id).isPresent()) {
            throw new ApiException(409, "CONFLICT", "account '" + id + "' exists");
        }
        SourceDefinition def = fields.source(AccountFields.text(body, "source"));
        Map<String, String> credentials = fields.credentials(def, body.path("credentials"), true);
        String[] schedule = AccountFields.schedule(body.path("schedule"), new String[] {"60s", null});
        String zone = body.hasNonNull("timeZone") ? AccountFields.zone(AccountFields.text(body, "timeZone")) : null;
        Instant now = clock.instant();
        StoredAccount a = new StoredAccount(id, def.key(), AccountFields.optional(body, "name"), AccountFields.optional(body, "externalRef"), AccountFields.optional(body, "baseUrl"),
                zone, credentials, schedule[0], schedule[1], fields.sinks(body.path("sinks"), List.copyOf(new TreeSet<>(sinkNames))),
                AccountFields.strings(body.path("tags"), "tags", List.of()), body.path("paused").asBoolean(false), false, 0, now, now, null);
        requireWritable();
        check(a);
        boolean subscribe = body.path("webhooks").path("subscribe").asBoolean(true);
        AccountClient.Subscription subscription = subscribe ? subscribe(def, a) : null;
        if (subscription != null) {
            a = withWebhook(a, subscription);
        }
        boolean done = false;
        try {
            if (!stored.create(a, now)) {
                throw new ApiException(409, "CONFLICT", "account '" + id + "' exists");
            }
            done = true;
        } finally {
            if (!done && subscription != null) {
                unsubscribe(a); // nothing half-made: no subscription without its account
            }
        }
        StoredAccount created = stored.find(id).orElseThrow();
        health.connected(created);
        follow.accept(id);
        return view(created);
    }

    /**
     * The account's webhook subscribed through the PMS's API, when the source has one and {@code api.publicUrl} is set:
     * the secrets the PMS authenticates its calls with are made here (or issued by the PMS). A refusal: 502, nothing stored.
     */
    private AccountClient.Subscription subscribe(SourceDefinition def, StoredAccount a) {
        WebhookSetup setup = def.api().webhookSetup();
        if (setup == null || !setup.automatic() || publicUrl == null) {
            return null;
        }
        Map<String, String> generated = new LinkedHashMap<>();
        for (String name : setup.generate()) {
            generated.put(name, dev.pmsconversations.account.RandomTokens.of(24));
        }
        try {
            AccountClient.Subscription s = accounts.probe(a.config()).subscribeWebhook(receiver(a), generated);
            Map<String, String> secrets = new LinkedHashMap<>(generated);
            secrets.putAll(s.issued());
            return new AccountClient.Subscription(s.id(), secrets);
        } catch (RuntimeException e) {
            throw new ApiException(502, "WEBHOOK_SUBSCRIPTION_FAILED", "the PMS did not subscribe the account's webhook (nothing was stored; "
                    + "\"webhooks\": {\"subscribe\": false} creates it without): " + e.getMessage());
        }
    }

    private static StoredAccount withWebhook(StoredAccount a, AccountClient.Subscription s) {
        Map<String, String> credentials = new LinkedHashMap<>(a.credentials());
        credentials.putAll(s.issued());
        return new StoredAccount(a.id(), a.source(), a.name(), a.externalRef(), a.baseUrl(), a.timeZone(), credentials, a.every(), a.cron(),
                a.sinks(), a.tags(), a.paused(), a.removed(), a.version(), a.createdAt(), a.updatedAt(), s.id());
    }

    /** Deletes the account's subscription at the PMS; false (logged) when the PMS could not be asked. */
    private boolean unsubscribe(StoredAccount a) {
        try {
            accounts.probe(a.config()).unsubscribeWebhook(a.webhookId());
            return true;
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AccountApi.class).warn("Account '{}': its webhook subscription {} at {} could not be deleted: {}",
                    a.id(), a.webhookId(), a.source(), e.getMessage());
            return false;
        }
    }

    private String receiver(StoredAccount a) {
        return publicUrl + "/webhooks/" + a.source() + "/" + a.id();
    }

    /** GET /v2/accounts?source&status&tag&externalRef&limit&cursor: both kinds, by id. */
    public String list(Exchange ex) {
        Map<String, String> filters = new LinkedHashMap<>();
        for (String name : List.of("source", "status", "tag", "externalRef", "cursor", "limit")) {
            filters.put(name, param(ex, name));
        }
        return list(ApiAuth.scope(ex), filters).toString();
    }

    /** The accounts {@code scope} may see, by id, filtered ({@code source, status, tag, externalRef, cursor, limit}); an envelope with the page. */
    public ObjectNode list(ApiAuth.Scope scope, Map<String, String> filters) {
        String source = filters.get("source");
        String state = filters.get("status");
        String tag = filters.get("tag");
        String externalRef = filters.get("externalRef");
        String cursor = filters.get("cursor");
        int limit = PageLimit.parse(filters.get("limit"), DEFAULT_LIMIT, MAX_LIMIT);
        TreeMap<String, ObjectNode> all = new TreeMap<>();
        Map<String, AccountHealth.Health> healths = health.all();
        for (AccountConfig a : accounts.all()) {
            if (accounts.fromConfiguration(a.id())) {
                all.put(a.id(), views.configView(a, healths.get(a.id())));
            }
        }
        String after = null;
        // filtered without their credentials: only the page's rows are decrypted (for their keys), not every account's
        for (List<StoredAccount> page = stored.list(null, 500, false); !page.isEmpty(); page = stored.list(after, 500, false)) {
            for (StoredAccount a : page) {
                all.put(a.id(), views.view(a, healths.get(a.id())));
                after = a.id();
            }
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        String next = null;
        for (Iterator<ObjectNode> it = (cursor == null ? all : all.tailMap(cursor, false)).values().iterator(); it.hasNext(); ) {
            ObjectNode a = it.next();
            if (!scope.allows(a.path("id").asText()) || !matches(a, "source", source) || !matches(a, "status", state)
                    || !matches(a, "externalRef", externalRef) || tag != null && !hasTag(a, tag)) {
                continue;
            }
            if (out.size() == limit) {
                next = out.get(out.size() - 1).path("id").asText();
                break;
            }
            out.add("api".equals(a.path("managedBy").asText()) ? stored.find(a.path("id").asText()).map(s -> views.view(s,
                    healths.get(s.id()))).orElse(a) : a);
        }
        ObjectNode answer = Envelope.ok(out);
        answer.putObject("page").put("limit", limit).put("nextCursor", next);
        return answer;
    }

    /** GET /v2/accounts/{id}. */
    public String get(Exchange ex) {
        return Envelope.ok(get(ApiAuth.scope(ex), ex.getIn().getHeader("id", String.class))).toString();
    }

    public ObjectNode get(ApiAuth.Scope scope, String id) {
        if (accounts.fromConfiguration(id)) {
            scope.narrow(id, Set.of(id));
            return views.configView(accounts.account(id), health.of(id).orElse(null));
        }
        Optional<StoredAccount> a = stored.find(id);
        scope.narrow(id, a.isPresent() ? Set.of(id) : Set.of());
        return view(a.orElseThrow());
    }

    private ObjectNode view(StoredAccount a) {
        return views.view(a, health.of(a.id()).orElse(null));
    }

    /** PATCH /v2/accounts/{id}: rotate credentials (checked first), change schedule, sinks, tags, name, externalRef, paused. */
    public String patch(Exchange ex) {
        return Envelope.ok(patch(ApiAuth.scope(ex), ex.getIn().getHeader("id", String.class), AccountFields.body(ex))).toString();
    }

    public ObjectNode patch(ApiAuth.Scope scope, String id, JsonNode body) {
        operator(scope, "change accounts");
        StoredAccount a = storedOnly(id);
        AccountFields.onlyFields(body, PATCH_FIELDS);
        SourceDefinition def = fields.source(a.source());
        Map<String, String> credentials = body.has("credentials") ? fields.credentials(def, body.path("credentials"), false) : a.credentials();
        Map<String, String> merged = new LinkedHashMap<>(a.credentials());
        merged.putAll(credentials);
        String[] schedule = body.has("schedule") ? AccountFields.schedule(body.path("schedule"), new String[] {null, null}) : new String[] {a.every(), a.cron()};
        StoredAccount changed = new StoredAccount(a.id(), a.source(), body.has("name") ? AccountFields.optional(body, "name") : a.name(),
                body.has("externalRef") ? AccountFields.optional(body, "externalRef") : a.externalRef(), a.baseUrl(), a.timeZone(), merged,
                schedule[0] != null || schedule[1] != null ? schedule[0] : a.every(), schedule[1], body.has("sinks") ? fields.sinks(body.path("sinks"), a.sinks()) : a.sinks(),
                body.has("tags") ? AccountFields.strings(body.path("tags"), "tags", a.tags()) : a.tags(),
                body.has("paused") ? AccountFields.paused(body) : a.paused(), false, a.version(), a.createdAt(), a.updatedAt(), a.webhookId());
        requireWritable();
        if (body.has("credentials")) {
            AccountFields.missingCredentials(def, merged);
            check(changed);
        }
        if (!stored.update(changed, clock.instant())) {
            throw new ApiException(409, "CONFLICT", "account '" + a.id() + "' was changed meanwhile; read it again and retry");
        }
        StoredAccount updated = stored.find(a.id()).orElseThrow();
        if (body.has("credentials")) {
            health.credentialsAccepted(updated); // checked just now: an account whose credentials were refused is recovered
        }
        follow.accept(a.id());
        return view(updated);
    }

    /** DELETE /v2/accounts/{id}[?purge=true]: polling and sending stop on every node; purge also erases its stored data. */
    public String delete(Exchange ex) {
        return Envelope.ok(delete(ApiAuth.scope(ex), ex.getIn().getHeader("id", String.class), "true".equalsIgnoreCase(param(ex, "purge"))))
                .toString();
    }

    public ObjectNode delete(ApiAuth.Scope scope, String id, boolean purge) {
        operator(scope, "remove accounts");
        StoredAccount a = storedOnly(id);
        requireWritable();
        // its subscription first, while its credentials are still there (a PMS that cannot be asked does not keep it alive)
        Boolean unsubscribed = a.webhookId() == null ? null : unsubscribe(a);
        if (!stored.markRemoved(a, purge, clock.instant())) {
            throw new ApiException(409, "CONFLICT", "account '" + a.id() + "' was changed meanwhile; retry");
        }
        health.removed(a);
        follow.accept(a.id()); // this node stops its work on it and, with purge, erases its rows; the others follow
        if (purge) {
            stored.purgeData(a.id()); // also when no node runs (the CLI)
        }
        ObjectNode answer = Json.MAPPER.createObjectNode().put("id", a.id()).put("removed", true).put("purged", purge);
        if (unsubscribed != null) {
            answer.put("webhookUnsubscribed", unsubscribed.booleanValue());
            if (!unsubscribed) {
                answer.put("note", "the PMS could not be asked to delete webhook subscription " + a.webhookId() + ": delete it there");
            }
        }
        return answer;
    }

    /** Body {@code {since?}} (ISO-8601): the account's conversations are read again by its next poll; 202. */
    public String resync(Exchange ex) {
        String id = ex.getIn().getHeader("id", String.class);
        ApiAuth.scope(ex).narrow(id, accounts.ids());
        AccountConfig account = accounts.account(id);
        Instant since = since(ex.getIn().getBody(String.class));
        Resync.Requested r = Resync.request(store, sources.get(account.source()), id, since);
        ex.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        ObjectNode data = Json.MAPPER.createObjectNode().put("accountId", id).put("source", account.source())
                .put("conversations", r.conversations()).put("since", r.since() == null ? null : r.since().toString())
                .put("note", r.note());
        return Envelope.ok(data).toString();
    }

    /** The credentials checked by one call to the PMS; refused: 422 with the PMS's reason; PMS unreachable: 502. */
    private void check(StoredAccount a) {
        try {
            accounts.probe(a.config()).checkCredentials();
        } catch (PmsApiException e) {
            if (e.isAuthFailure()) {
                throw new ApiException(422, "CREDENTIALS_REFUSED", e.getMessage());
            }
            throw new ApiException(502, "PMS_UNAVAILABLE", "the credentials could not be checked: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ApiException(502, "PMS_UNAVAILABLE", "the credentials could not be checked (" + a.source() + "): " + e.getMessage());
        }
    }

    private StoredAccount storedOnly(String id) {
        if (accounts.fromConfiguration(id)) {
            throw new ApiException(409, "MANAGED_BY_CONFIG", "account '" + id + "' is managed by the configuration file: change it there");
        }
        return stored.find(id).orElseThrow(() -> ApiException.notFound("no account '" + id + "'"));
    }

    private void requireWritable() {
        if (!stored.canWrite()) {
            throw new ApiException(503, "NO_ENCRYPTION_KEY", "accounts cannot be stored: the runtime has no key to encrypt their credentials "
                    + "(runtime.store.encryptionKey)");
        }
    }

    private static void operator(ApiAuth.Scope scope, String what) {
        if (scope.accounts() != null) {
            throw new ApiException(403, "FORBIDDEN", "token '" + scope.tokenName() + "' is limited to some accounts: only a token for every "
                    + "account may " + what);
        }
    }

    private static String param(Exchange ex, String name) {
        String v = ex.getIn().getHeader(name, String.class);
        return v == null || v.isEmpty() ? null : v;
    }


    private static boolean matches(ObjectNode a, String field, String wanted) {
        return wanted == null || wanted.equals(a.path(field).asText(null));
    }

    private static boolean hasTag(ObjectNode a, String tag) {
        for (JsonNode t : a.path("tags")) {
            if (t.asText().equals(tag)) {
                return true;
            }
        }
        return false;
    }

    private static Instant since(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON");
        }
        JsonNode since = n.path("since");
        if (since.isMissingNode() || since.isNull()) {
            return null;
        }
        try {
            return Instant.parse(since.asText());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("since", "an ISO-8601 UTC time such as 2026-11-01T00:00:00Z");
        }
    }
}
