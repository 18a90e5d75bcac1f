package dev.pmsconversations.api;

import dev.pmsconversations.config.RuntimeConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * Bearer tokens from the configuration ({@code api.tokens}, each from an env var or file). A token may be
 * limited to some accounts. Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so
 * neither the content nor the length of a configured token leaks through timing.
 */
public final class ApiAuth {
    public static final String SCOPE = "pmsApiScope";
    private final List<Token> tokens;

    private record Token(String name, byte[] digest, Set<String> accounts) {
    }

    public ApiAuth(List<RuntimeConfig.ApiToken> configured) {
        this.tokens = configured.stream().map(t -> new Token(t.name(), digest(t.token().reveal()), t.accounts())).toList();
    }

    /** First step of every API route: 401 without a valid token; sets the caller's account scope. */
    public void check(Exchange exchange) {
        String header = exchange.getIn().getHeader("Authorization", String.class);
        exchange.getIn().removeHeader("Authorization"); // never passed further down a route
        exchange.getIn().removeHeaders("pms*"); // internal headers cannot be set by a caller
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
            throw new ApiException(401, "UNAUTHORIZED", "missing bearer token (Authorization: Bearer <token>)");
        }
        byte[] given = digest(header.substring(7).trim());
        Token match = null;
        for (Token t : tokens) {
            if (MessageDigest.isEqual(given, t.digest()) && match == null) {
                match = t;
            }
        }
        if (match == null) {
            throw new ApiException(401, "UNAUTHORIZED", "invalid bearer token");
        }
        exchange.setProperty(SCOPE, new Scope(match.name(), match.accounts()));
    }

    /** Which accounts a caller may see; {@code accounts == null} means all. */
    public record Scope(String tokenName, Set<String> accounts) {
        public boolean allows(String accountId) {
            return accounts == null || accounts.contains(accountId);
        }

        /**
         * The accounts a request may touch: the token's, narrowed to {@code requested} when one is named (404 when no
         * such account is configured, 403 when it is outside the token's scope). Null: every account.
         */
        public Set<String> narrow(String requested, Set<String> configured) {
            if (requested == null) {
                return accounts;
            }
            if (!configured.contains(requested)) {
                throw ApiException.notFound("no account '" + requested + "' is configured");
            }
            if (!allows(requested)) {
                throw new ApiException(403, "FORBIDDEN", "token '" + tokenName + "' may not access account '" + requested + "'");
            }
            return Set.of(requested);
        }

        /** 403 for something that belongs to an account outside the token's scope (the account is not named). */
        public ApiException forbidden(String what) {
            return new ApiException(403, "FORBIDDEN", what + " belongs to an account that token '" + tokenName + "' may not access");
        }
    }

    /** The scope {@link #check} set on the exchange. */
    public static Scope scope(Exchange exchange) {
        return exchange.getProperty(SCOPE, Scope.class);
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
