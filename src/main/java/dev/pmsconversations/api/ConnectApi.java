package dev.pmsconversations.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.account.ConnectSessions;
import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.model.Json;
import dev.pmsconversations.source.AuthorizationCode;
import dev.pmsconversations.source.ConnectSpec;
import dev.pmsconversations.source.PmsHttp;
import dev.pmsconversations.source.SourceDefinition;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connect flow for hosts: {@code POST /v2/connect-sessions} (an operator's token) makes a one-time link; the host opens
 * it ({@code /connect/<token>}, a static page reading {@code /connect/<token>/session}) and either types the credentials
 * the PMS gave them (API keys: {@code POST /connect/<token>}) or is sent to the PMS to authorize our OAuth application
 * ({@code /connect/<token>/authorize}, back at {@code /oauth/callback} with a code, exchanged for a refresh token). Either
 * way the account is created as {@code POST /v2/accounts} creates it (credentials checked against the PMS, stored
 * encrypted, webhook subscribed) and the browser goes to the session's redirectUrl with {@code accountId} and {@code status}.
 */
public final class ConnectApi {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectApi.class);
    private static final Set<String> FIELDS = Set.of("source", "externalRef", "redirectUrl", "name", "tags", "schedule", "sinks", "baseUrl",
            "timeZone", "expiresInSeconds");
    private static final String CALLBACK = "/oauth/callback";
    private final ConnectSessions sessions;
    private final AccountApi accounts;
    private final AccountFields fields;
    private final RuntimeConfig.ApiConfig config;
    private final PmsHttp http;
    private final Clock clock;

    public ConnectApi(ConnectSessions sessions, AccountApi accounts, dev.pmsconversations.source.SourceRegistry sources, Set<String> sinkNames,
                      RuntimeConfig.ApiConfig config, PmsHttp http, Clock clock) {
        this.sessions = sessions;
        this.accounts = accounts;
        this.fields = new AccountFields(sources, sinkNames);
        this.config = config;
        this.http = http;
        this.clock = clock;
    }

    /** POST /v2/connect-sessions: 201 {id, url, path, expiresAt}; the link is shown once. */
    public String create(Exchange ex) {
        ApiAuth.Scope scope = ApiAuth.scope(ex);
        if (scope.accounts() != null) {
            throw new ApiException(403, "FORBIDDEN", "token '" + scope.tokenName() + "' is limited to some accounts: only a token for every "
                    + "account may create connect sessions");
        }
        JsonNode body = AccountFields.body(ex);
        AccountFields.onlyFields(body, FIELDS);
        SourceDefinition def = fields.source(AccountFields.text(body, "source"));
        String redirect = AccountFields.text(body, "redirectUrl");
        if (!redirect.matches("https?://[^\\s#]+")) {
            throw ApiException.invalid("redirectUrl", "an http(s) URL the host's browser is sent to when done");
        }
        if (def.api().connect().oauth()) {
            if (config.publicUrl() == null) {
                throw new ApiException(503, "NO_PUBLIC_URL", def.name() + " connects by OAuth: its redirect URI is <api.publicUrl>" + CALLBACK
                        + ", and api.publicUrl is not set");
            }
            if (config.connect().oauth().get(def.key()) == null) {
                throw new ApiException(503, "NO_OAUTH_APP", def.name() + " connects by OAuth: set api.connect.oauth." + def.key()
                        + " (our application's clientId and clientSecret, registered with " + def.name() + ")");
            }
        }
        ObjectNode account = Json.MAPPER.createObjectNode();
        for (String f : Set.of("name", "tags", "schedule", "sinks", "baseUrl", "timeZone")) {
            if (body.has(f)) {
                account.set(f, body.get(f));
            }
        }
        // checked now, not when the host is done: a bad schedule or sink is the caller's, not the host's, mistake
        AccountFields.schedule(body.path("schedule"), new String[] {"60s", null});
        fields.sinks(body.path("sinks"), java.util.List.of());
        AccountFields.strings(body.path("tags"), "tags", java.util.List.of());
        int ttl = body.has("expiresInSeconds") ? body.path("expiresInSeconds").asInt(-1) : config.connect().sessionTtlSeconds();
        if (ttl < 60 || ttl > 7 * 24 * 3600) {
            throw ApiException.invalid("expiresInSeconds", "from 60 to 604800");
        }
        ConnectSessions.Opened o = sessions.open(def.key(), AccountFields.optional(body, "externalRef"), redirect, account, Duration.ofSeconds(ttl));
        String path = "/connect/" + o.token();
        ObjectNode answer = Json.MAPPER.createObjectNode().put("id", o.session().id()).put("source", def.key())
                .put("externalRef", o.session().externalRef()).put("path", path)
                .put("url", config.publicUrl() == null ? null : config.publicUrl() + path).put("expiresAt", o.session().expiresAt().toString());
        ex.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        return Envelope.ok(answer).toString();
    }

    /** GET /connect/{token}/session: what the page shows (never a secret); 404 unknown, 410 used or expired. */
    public String session(Exchange ex) {
        ConnectSessions.Session s = open(ex.getIn().getHeader("token", String.class));
        SourceDefinition def = fields.source(s.source());
        ObjectNode out = Json.MAPPER.createObjectNode().put("source", def.key()).put("sourceName", def.name())
                .put("oauth", def.api().connect().oauth()).put("help", def.api().connect().help())
                .put("expiresAt", s.expiresAt().toString());
        ArrayNode keys = out.putArray("fields");
        if (!def.api().connect().oauth()) { // the keys an account of the source must have (its webhook's are optional)
            TreeSet<String> required = new TreeSet<>(def.api().auth().credentialNames());
            required.addAll(def.api().queryCredentials());
            required.forEach(keys::add);
        }
        return Envelope.ok(out).toString();
    }

    /** POST /connect/{token} {credentials}: the account is created; {redirect} to follow. Refused: 422, the link still works. */
    public String complete(Exchange ex) {
        ConnectSessions.Session s = open(ex.getIn().getHeader("token", String.class));
        JsonNode body = AccountFields.body(ex);
        AccountFields.onlyFields(body, Set.of("credentials"));
        String accountId = createAccount(s, body.path("credentials"));
        return Envelope.ok(Json.MAPPER.createObjectNode().put("accountId", accountId).put("redirect", redirect(s, accountId, "connected", null)))
                .toString();
    }

    /** GET /connect/{token}/authorize: 302 to the PMS, where the host authorizes our application. */
    public void authorize(Exchange ex) {
        ConnectSessions.Session s = open(ex.getIn().getHeader("token", String.class));
        SourceDefinition def = fields.source(s.source());
        if (!def.api().connect().oauth()) {
            throw ApiException.badRequest(def.name() + " does not connect by OAuth: the page asks for its credentials");
        }
        String state = sessions.startOAuth(s);
        redirectTo(ex, AuthorizationCode.authorizeUrl(def, baseUrl(s), oauthApp(def), config.publicUrl() + CALLBACK, state));
    }

    /**
     * GET /oauth/callback?code&state (or error): the code exchanged for the refresh token, the account created, 302 to the
     * session's redirectUrl with {@code status=connected}, or {@code status=error&error=<code>} (denied, refused, expired).
     */
    public void callback(Exchange ex) {
        String state = ex.getIn().getHeader("state", String.class);
        ConnectSessions.Session s = sessions.byOAuthState(state).orElseThrow(() -> new ApiException(400, "UNKNOWN_STATE",
                "this authorization belongs to no connect session (used, or not started here)"));
        if (!s.open(clock.instant())) {
            redirectTo(ex, redirect(s, s.accountId(), "DONE".equals(s.state()) ? "connected" : "error", "DONE".equals(s.state()) ? null : "EXPIRED"));
            return;
        }
        String denied = ex.getIn().getHeader("error", String.class);
        String code = ex.getIn().getHeader("code", String.class);
        if (denied != null || code == null || code.isEmpty()) {
            redirectTo(ex, redirect(s, null, "error", denied != null ? "ACCESS_DENIED" : "NO_CODE"));
            return;
        }
        SourceDefinition def = fields.source(s.source());
        AuthorizationCode.App app = oauthApp(def);
        try {
            String granted = AuthorizationCode.exchange(http, def, baseUrl(s), app, code, config.publicUrl() + CALLBACK);
            ConnectSpec.Exchange exchange = def.api().connect().exchange();
            ObjectNode credentials = Json.MAPPER.createObjectNode();
            if (exchange.refreshToken()) { // the account refreshes it with the application's id and secret
                credentials.put(def.api().auth().clientIdCredential(), app.clientId()).put(def.api().auth().clientSecretCredential(), app.clientSecret())
                        .put(def.api().auth().credential(), granted);
            } else {
                credentials.put(exchange.credential(), granted);
            }
            String accountId = createAccount(s, credentials);
            redirectTo(ex, redirect(s, accountId, "connected", null));
        } catch (ApiException e) {
            redirectTo(ex, redirect(s, null, "error", e.code()));
        } catch (RuntimeException e) {
            LOG.warn("Connect session {} ({}): the authorization code could not be exchanged: {}", s.id(), s.source(), e.getMessage());
            redirectTo(ex, redirect(s, null, "error", "CODE_EXCHANGE_FAILED"));
        }
    }

    /** Completes the session once: the account as its creator described it, with these credentials. */
    private String createAccount(ConnectSessions.Session s, JsonNode credentials) {
        if (!sessions.claim(s)) {
            throw new ApiException(410, "GONE", "this connect link was used or has expired");
        }
        boolean done = false;
        try {
            ObjectNode body = s.account().deepCopy();
            body.put("source", s.source());
            if (s.externalRef() != null) {
                body.put("externalRef", s.externalRef());
            }
            body.set("credentials", credentials);
            String id = accounts.create(new ApiAuth.Scope("connect " + s.id(), null), body).path("id").asText();
            sessions.done(s, id);
            done = true;
            LOG.info("Connect session {}: account '{}' ({}) connected", s.id(), id, s.source());
            return id;
        } finally {
            if (!done) {
                sessions.release(s); // refused or failed: the host may try again while the link is valid
            }
        }
    }

    private ConnectSessions.Session open(String token) {
        ConnectSessions.Session s = sessions.byToken(token).orElseThrow(() -> ApiException.notFound("no such connect link"));
        if (!s.open(clock.instant())) {
            throw new ApiException(410, "GONE", "this connect link was used or has expired: ask for a new one");
        }
        return s;
    }

    private String baseUrl(ConnectSessions.Session s) {
        return s.account().hasNonNull("baseUrl") ? s.account().get("baseUrl").asText() : null;
    }

    /** The operator's application at the source's PMS, its secrets revealed for the one call. */
    private AuthorizationCode.App oauthApp(SourceDefinition def) {
        RuntimeConfig.OAuthApp app = config.connect().oauth().get(def.key());
        return app == null ? null : new AuthorizationCode.App(app.clientId().reveal(), app.clientSecret().reveal(), app.authorizeUrl(), app.tokenUrl());
    }

    private static String redirect(ConnectSessions.Session s, String accountId, String status, String error) {
        StringBuilder url = new StringBuilder(s.redirectUrl()).append(s.redirectUrl().contains("?") ? '&' : '?');
        if (accountId != null) {
            url.append("accountId=").append(URLEncoder.encode(accountId, StandardCharsets.UTF_8)).append('&');
        }
        url.append("status=").append(status);
        if (s.externalRef() != null) {
            url.append("&externalRef=").append(URLEncoder.encode(s.externalRef(), StandardCharsets.UTF_8));
        }
        if (error != null) {
            url.append("&error=").append(URLEncoder.encode(error, StandardCharsets.UTF_8));
        }
        return url.toString();
    }

    private static void redirectTo(Exchange ex, String url) {
        ex.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
        ex.getIn().setHeader("Location", url);
        ex.getIn().setBody("");
    }
}
