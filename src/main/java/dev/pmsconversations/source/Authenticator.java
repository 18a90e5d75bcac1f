package dev.pmsconversations.source;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmsconversations.model.Json;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The account's credentials as its PMS wants them on each request (the source file's {@code api.auth}): a header with
 * an API key, or a token got once and got again when the PMS refuses it — OAuth client credentials, a refresh token
 * that the PMS rotates at each use (the newest is kept in {@link RefreshTokens}), or a JSON token exchange.
 */
final class Authenticator {
    private final PmsAccount pms;
    private final PmsHttp http;
    private final RefreshTokens refreshTokens;
    /** Waits for the PMS's limits and counts the request: a token request is one of the account's requests. */
    private final Runnable beforeRequest;
    private volatile String token;

    Authenticator(PmsAccount pms, PmsHttp http, RefreshTokens refreshTokens, Runnable beforeRequest) {
        this.pms = pms;
        this.http = http;
        this.refreshTokens = refreshTokens;
        this.beforeRequest = beforeRequest;
    }

    /** The headers that authenticate a request. */
    Map<String, String> headers() {
        ApiSpec.Auth auth = pms.source().api().auth();
        return switch (auth.type()) {
            case "header" -> Map.of(auth.header(), auth.prefix() + pms.credential(auth.credential()).reveal());
            case "oauth2-client-credentials", "oauth2-refresh-token" -> Map.of("Authorization", "Bearer " + token());
            case "token-exchange" -> Map.of(auth.header(), auth.prefix() + token());
            default -> Map.of();
        };
    }

    /** True when a refusal (401/403) may be cured by getting a new token once. */
    boolean issuesTokens() {
        return pms.source().api().auth().issuesTokens();
    }

    /** The token was refused (expired or revoked): the next request gets a new one. */
    void invalidate() {
        token = null;
    }

    private synchronized String token() {
        if (token != null) {
            return token;
        }
        ApiSpec.Auth auth = pms.source().api().auth();
        String tokenUrl = URI.create(pms.baseUrl() + "/").resolve(auth.tokenUrl()).toString();
        boolean exchange = auth.type().equals("token-exchange");
        boolean refreshGrant = auth.type().equals("oauth2-refresh-token");
        String credentialHash = null;
        String refreshToken = null;
        Map<String, String> form = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Accept", "application/json"));
        ObjectNode jsonBody = Json.MAPPER.createObjectNode();
        if (exchange) {
            if (auth.credentialHeader() != null) {
                headers.put(auth.credentialHeader(), pms.credential(auth.credential()).reveal());
            }
            auth.tokenBody().forEach((field, name) -> jsonBody.put(field, pms.credential(name).reveal()));
        } else if (refreshGrant) {
            String configured = pms.credential(auth.credential()).reveal();
            credentialHash = RefreshTokens.credentialHash(configured);
            refreshToken = refreshTokens.load(pms.id(), credentialHash).orElse(configured);
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", refreshToken);
            form.putAll(auth.form());
            form.put("client_id", pms.credential(auth.clientIdCredential()).reveal());
            form.put("client_secret", pms.credential(auth.clientSecretCredential()).reveal());
        } else {
            form.put("grant_type", "client_credentials");
            form.putAll(auth.form());
            form.put("client_id", pms.credential(auth.clientIdCredential()).reveal());
            form.put("client_secret", pms.credential(auth.clientSecretCredential()).reveal());
        }
        boolean post = !exchange || !auth.tokenBody().isEmpty();
        String what = (post ? "POST " : "GET ") + URI.create(tokenUrl).getPath() + " (access token)";
        ApiSpec.Retry retry = pms.source().api().retry();
        for (int attempt = 1; ; attempt++) {
            beforeRequest.run();
            PmsHttp.Response r = !exchange ? http.send("POST", tokenUrl, Map.of(), headers, "application/x-www-form-urlencoded", PmsHttp.encode(form))
                    : post ? http.send("POST", tokenUrl, Map.of(), headers, "application/json", jsonBody.toString())
                    : http.send("GET", tokenUrl, Map.of(), headers, null, null);
            if (r.ok()) {
                return accept(r, what, auth, refreshGrant, credentialHash, refreshToken);
            }
            if (r.status() == 400 || r.status() == 401 || r.status() == 403) {
                throw pms.error(what + ": credentials refused (HTTP " + r.status() + PmsAnswers.errorText(r.body()) + ")"
                        + (refreshGrant ? "; the refresh token is revoked or expired: authorise the app again and set credential '"
                        + auth.credential() + "' to the new refresh token" : ""), 401);
            }
            if (attempt >= retry.maxAttempts()) {
                throw pms.error(what + ": HTTP " + r.status() + " after " + attempt + " attempts", r.status());
            }
            Backoff.sleep(Backoff.of(retry, attempt, r.retryAfter()));
        }
    }

    /** The token of a 2xx answer; a rotated refresh token is kept before the new access token is used. */
    private String accept(PmsHttp.Response r, String what, ApiSpec.Auth auth, boolean refreshGrant, String credentialHash,
                          String refreshToken) {
        try {
            JsonNode answer = Json.MAPPER.readTree(r.body());
            JsonNode t = answer.at(JsonPointer.compile(auth.tokenPath()));
            if (!t.isTextual() || t.asText().isEmpty()) {
                throw pms.error(what + ": no token at '" + auth.tokenPath() + "'", r.status());
            }
            if (refreshGrant) {
                // the PMS revokes the old refresh token the moment the new access token is used
                JsonNode rotated = answer.at(JsonPointer.compile(auth.refreshTokenPath()));
                if (rotated.isTextual() && !rotated.asText().isEmpty() && !rotated.asText().equals(refreshToken)) {
                    refreshTokens.save(pms.id(), credentialHash, rotated.asText());
                }
            }
            if (auth.readyAfterMillis() > 0) {
                Backoff.sleep(auth.readyAfterMillis()); // some PMSs accept a new token only after a moment
            }
            token = t.asText();
            return token;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw pms.error(what + ": answer is not valid JSON", r.status());
        }
    }
}
