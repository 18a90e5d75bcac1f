package dev.pmsconversations.source;

import dev.pmsconversations.yaml.YamlNode;
import java.util.Set;

/**
 * The connect page's part of a source file ({@code api.connect}): where a host finds the credentials the page asks for,
 * and, for a PMS whose accounts connect by OAuth's authorization-code flow, its authorize endpoint and the scopes asked
 * for, and how the code is exchanged ({@link Exchange}). Relative URLs are resolved against the account's baseUrl;
 * an operator's OAuth application may name others (a PMS's sandbox, the simulator).
 *
 * @param help         shown beside the form (null: the credential keys are named only)
 * @param authorizeUrl null: the page asks for the credentials themselves (API keys)
 * @param exchange     how the code becomes the account's credential (null without authorizeUrl)
 */
public record ConnectSpec(String help, String authorizeUrl, String scope, Exchange exchange) {

    /**
     * The code's exchange (RFC 6749 §4.1.3). BookingSync's (the default): at {@code auth.tokenUrl}, the client's id and
     * secret in the form, redirect_uri repeated, the answer's refresh token kept as the account's with the application's
     * id and secret. OwnerRez's: the client's id and secret as HTTP Basic, no redirect_uri (its token endpoint refuses
     * it), the answer's {@code access_token} kept as the account's one credential.
     *
     * @param url         null: {@code auth.tokenUrl}
     * @param basicClient the client authenticates with HTTP Basic (RFC 6749 §2.3.1), not in the form
     * @param redirectUri the form repeats redirect_uri
     * @param credential  the account credential the answer gives; null: the refresh token of an oauth2-refresh-token auth
     * @param from        JSON pointer into the answer
     */
    public record Exchange(String url, boolean basicClient, boolean redirectUri, String credential, String from) {
        /** The account keeps the application's id and secret beside the refresh token (they refresh it). */
        public boolean refreshToken() {
            return credential == null;
        }
    }

    public boolean oauth() {
        return authorizeUrl != null;
    }

    static ConnectSpec read(YamlNode c, ApiSpec.Auth auth) {
        if (c.isMissing()) {
            return new ConnectSpec(null, null, null, null);
        }
        c.onlyKeys(Set.of("help", "authorize", "token"));
        YamlNode a = c.get("authorize");
        YamlNode t = c.get("token");
        if (a.isMissing()) {
            if (!t.isMissing()) {
                throw t.error("token is the exchange of an authorization code: it needs authorize");
            }
            return new ConnectSpec(c.text("help", null), null, null, null);
        }
        a.onlyKeys(Set.of("url", "scope"));
        Exchange exchange;
        if (t.isMissing()) {
            if (!"oauth2-refresh-token".equals(auth.type())) {
                throw a.error("the authorization-code flow gives a refresh token here: it needs auth type oauth2-refresh-token, "
                        + "or a token section naming the credential it gives");
            }
            exchange = new Exchange(null, false, true, null, auth.refreshTokenPath());
        } else {
            t.onlyKeys(Set.of("url", "clientAuth", "redirectUri", "credential", "from"));
            String clientAuth = t.text("clientAuth", "form");
            if (!clientAuth.equals("form") && !clientAuth.equals("basic")) {
                throw t.get("clientAuth").error("clientAuth is form or basic");
            }
            String credential = t.text("credential");
            if (!auth.credentialNames().contains(credential)) {
                throw t.get("credential").error("credential '" + credential + "' is not one the auth uses " + auth.credentialNames());
            }
            String url = t.text("url", auth.tokenUrl());
            if (url == null) {
                throw t.error("the token endpoint: url (the auth has no tokenUrl)");
            }
            exchange = new Exchange(url, clientAuth.equals("basic"), t.bool("redirectUri", true), credential, t.text("from", "/access_token"));
        }
        return new ConnectSpec(c.text("help", null), a.text("url"), a.text("scope", null), exchange);
    }
}
