package dev.pmsconversations.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmsconversations.model.Json;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OAuth 2.0's authorization-code flow (RFC 6749 §4.1) for the connect page: the PMS's authorize URL the host's browser is
 * sent to, and the exchange of the code it comes back with for the account's credential ({@link ConnectSpec.Exchange}).
 * Both endpoints are the source file's ({@code api.connect}), relative ones resolved against the account's baseUrl; an
 * operator's application may name its own ({@code authorizeUrl}, {@code tokenUrl}: a sandbox, the simulator).
 */
public final class AuthorizationCode {
    private AuthorizationCode() {
    }

    /** The operator's OAuth application at a PMS: its id and secret, and where it differs from the source file. */
    public record App(String clientId, String clientSecret, String authorizeUrl, String tokenUrl) {
    }

    public static String authorizeUrl(SourceDefinition def, String baseUrl, App app, String redirectUri, String state) {
        ConnectSpec c = def.api().connect();
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", app.clientId());
        q.put("redirect_uri", redirectUri);
        q.put("response_type", "code");
        if (c.scope() != null) {
            q.put("scope", c.scope());
        }
        q.put("state", state);
        String url = resolve(baseUrl(def, baseUrl), app.authorizeUrl() != null ? app.authorizeUrl() : c.authorizeUrl());
        return url + (url.contains("?") ? "&" : "?") + PmsHttp.encode(q);
    }

    /** The credential the PMS answers for {@code code}; a refusal or an answer without it: {@link PmsApiException}. */
    public static String exchange(PmsHttp http, SourceDefinition def, String baseUrl, App app, String code, String redirectUri) {
        ConnectSpec.Exchange spec = def.api().connect().exchange();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        if (spec.redirectUri()) {
            form.put("redirect_uri", redirectUri);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        if (spec.basicClient()) {
            headers.put("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (app.clientId() + ":" + app.clientSecret()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", app.clientId());
            form.put("client_secret", app.clientSecret());
        }
        // the PMS's own User-Agent rule applies to its token endpoint too (OwnerRez refuses calls without one)
        def.api().headers().forEach(headers::putIfAbsent);
        String tokenUrl = resolve(baseUrl(def, baseUrl), app.tokenUrl() != null ? app.tokenUrl()
                : spec.url() != null ? spec.url() : def.api().auth().tokenUrl());
        PmsHttp.Response r = http.send("POST", tokenUrl, Map.of(), headers, "application/x-www-form-urlencoded", PmsHttp.encode(form));
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
        JsonNode value = answer.at(com.fasterxml.jackson.core.JsonPointer.compile(spec.from()));
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new PmsApiException(def.key(), null, what + ": the answer has no " + (spec.refreshToken() ? "refresh token" : spec.credential())
                    + " at " + spec.from(), r.status());
        }
        return value.asText();
    }

    private static String baseUrl(SourceDefinition def, String baseUrl) {
        return baseUrl != null ? baseUrl : def.api().baseUrl();
    }

    private static String resolve(String baseUrl, String url) {
        return URI.create(baseUrl + "/").resolve(url).toString();
    }
}
