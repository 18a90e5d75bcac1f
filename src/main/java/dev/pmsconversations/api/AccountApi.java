package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.account.AccountClients;
import dev.pmsconversations.account.AccountStore;
import dev.pmsconversations.account.StoredAccount;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.PmsApiException;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import dev.pmsconversations.store.StateStore;
import dev.pmsconversations.sync.AccountStatus;
import dev.pmsconversations.sync.Resync;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
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
            "tags", "baseUrl", "timeZone", "paused");
    private static final Set<String> PATCH_FIELDS = Set.of("name", "externalRef", "credentials", "schedule", "sinks", "tags", "paused");
    private final StateStore store;
    private final SourceRegistry sources;
    private final AccountClients accounts;
    private final AccountStore stored;
    private final Set<String> sinkNames;
    private final AccountFields fields;
    private final AccountViews views;
    /** Applies the store's changes on this node at once (the other nodes follow within their follow interval). */
    private final Runnable follow;
    private final Clock clock;

    public AccountApi(StateStore store, SourceRegistry sources, AccountClients accounts, AccountStore stored, Set<String> sinkNames,
                      Supplier<Map<String, AccountStatus>> status, Runnable follow, Clock clock) {
        this.store = store;
        this.sources = sources;
        this.accounts = accounts;
        this.stored = stored;
        this.sinkNames = sinkNames;
        this.fields = new AccountFields(sources, sinkNames);
        this.views = new AccountViews(sources, status);
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
                AccountFields.strings(body.path("tags"), "tags", List.of()), body.path("paused").asBoolean(false), false, 0, now, now);
        requireWritable();
        check(a);
        if (!stored.create(a, now)) {
            throw new ApiException(409, "CONFLICT", "account '" + id + "' exists");
        }
        follow.run();
        return views.view(stored.find(id).orElseThrow());
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
        for (AccountConfig a : accounts.all()) {
            if (accounts.fromConfiguration(a.id())) {
                all.put(a.id(), views.configView(a));
            }
        }
        String after = null;
        for (List<StoredAccount> page = stored.list(null, 500); !page.isEmpty(); page = stored.list(after, 500)) {
            for (StoredAccount a : page) {
                all.put(a.id(), views.view(a));
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
            out.add(a);
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
        scope.narrow(id, known(id));
        return accounts.fromConfiguration(id) ? views.configView(accounts.account(id)) : views.view(stored.find(id).orElseThrow());
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
                body.has("paused") ? AccountFields.paused(body) : a.paused(), false, a.version(), a.createdAt(), a.updatedAt());
        requireWritable();
        if (body.has("credentials")) {
            AccountFields.missingCredentials(def, merged);
            check(changed);
        }
        if (!stored.update(changed, clock.instant())) {
            throw new ApiException(409, "CONFLICT", "account '" + a.id() + "' was changed meanwhile; read it again and retry");
        }
        follow.run();
        return views.view(stored.find(a.id()).orElseThrow());
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
        if (!stored.markRemoved(a, purge, clock.instant())) {
            throw new ApiException(409, "CONFLICT", "account '" + a.id() + "' was changed meanwhile; retry");
        }
        follow.run(); // this node stops its work on it and, with purge, erases its rows; the others follow
        if (purge) {
            stored.purgeData(a.id()); // also when no node runs (the CLI)
        }
        return Json.MAPPER.createObjectNode().put("id", a.id()).put("removed", true).put("purged", purge);
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

    private Set<String> known(String id) {
        return accounts.fromConfiguration(id) || stored.find(id).isPresent() ? Set.of(id) : Set.of();
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
