package dev.pmsconversations.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OAuth 2.0's authorization-code flow (RFC 6749 §4.1) for the connect page: the PMS's authorize URL the host's browser is
 * sent to, and the exchange of the code it comes back with for the account's refresh token. Both endpoints are the source
 * file's ({@code api.connect.authorize.url}, {@code api.auth.tokenUrl}), resolved against the account's baseUrl.
 */
public final class AuthorizationCode {
    private AuthorizationCode() {
    }

    public static String authorizeUrl(SourceDefinition def, String baseUrl, String clientId, String redirectUri, String state) {
        ConnectSpec c = def.api().connect();
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", clientId);
        q.put("redirect_uri", redirectUri);
        q.put("response_type", "code");
        if (c.scope() != null) {
            q.put("scope", c.scope());
        }
        q.put("state", state);
        String url = resolve(baseUrl(def, baseUrl), c.authorizeUrl());
        return url + (url.contains("?") ? "&" : "?") + PmsHttp.encode(q);
    }

    /** The refresh token the PMS answers for {@code code}; a refusal or an answer without one: {@link PmsApiException}. */
    public static String exchange(PmsHttp http, SourceDefinition def, String baseUrl, String clientId, String clientSecret, String code,
                                  String redirectUri) {
        ApiSpec.Auth auth = def.api().auth();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        String tokenUrl = resolve(baseUrl(def, baseUrl), auth.tokenUrl());
        PmsHttp.Response r = http.send("POST", tokenUrl, Map.of(), Map.of("Accept", "application/json"), "application/x-www-form-urlencoded",
                PmsHttp.encode(form));
        String what = "authorization code exchange POST " + URI.create(tokenUrl).getPath();
        if (!r.ok()) {
            throw new PmsApiException(def.key(), null, what + ": HTTP " + r.status() + PmsAnswers.errorText(r.body()), r.status());
        }
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new PmsApiException(def.key(), null, what + ": the answer is not JSON", r.status());
        }
        JsonNode refresh = answer.at(com.fasterxml.jackson.core.JsonPointer.compile(auth.refreshTokenPath()));
        if (!refresh.isTextual() || refresh.asText().isEmpty()) {
            throw new PmsApiException(def.key(), null, what + ": the answer has no refresh token at " + auth.refreshTokenPath(), r.status());
        }
        return refresh.asText();
    }

    private static String baseUrl(SourceDefinition def, String baseUrl) {
        return baseUrl != null ? baseUrl : def.api().baseUrl();
    }

    private static String resolve(String baseUrl, String url) {
        return URI.create(baseUrl + "/").resolve(url).toString();
    }
}
