package dev.pmsconversations.source;

import dev.pmsconversations.yaml.YamlNode;
import java.util.Set;

/**
 * The connect page's part of a source file ({@code api.connect}): where a host finds the credentials the page asks for,
 * and, for a PMS whose accounts connect by OAuth's authorization-code flow, its authorize endpoint (resolved against the
 * account's baseUrl, as {@code auth.tokenUrl} is) and the scopes asked for. The code is exchanged at {@code auth.tokenUrl}.
 *
 * @param help         shown beside the form (null: the credential keys are named only)
 * @param authorizeUrl null: the page asks for the credentials themselves (API keys)
 */
public record ConnectSpec(String help, String authorizeUrl, String scope) {

    public boolean oauth() {
        return authorizeUrl != null;
    }

    static ConnectSpec read(YamlNode c, ApiSpec.Auth auth) {
        if (c.isMissing()) {
            return new ConnectSpec(null, null, null);
        }
        c.onlyKeys(Set.of("help", "authorize"));
        YamlNode a = c.get("authorize");
        if (!a.isMissing()) {
            a.onlyKeys(Set.of("url", "scope"));
            if (!"oauth2-refresh-token".equals(auth.type())) {
                throw a.error("the authorization-code flow gives a refresh token: it needs auth type oauth2-refresh-token");
            }
        }
        return new ConnectSpec(c.text("help", null), a.isMissing() ? null : a.text("url"), a.isMissing() ? null : a.text("scope", null));
    }
}
