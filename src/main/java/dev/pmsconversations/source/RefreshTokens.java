package dev.pmsconversations.source;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the rotated refresh token of an account is kept (auth {@code oauth2-refresh-token}). The runtime keeps them
 * in the state store; {@code credentialHash} ties a stored token to the configured one it descends from.
 */
public interface RefreshTokens {
    Optional<String> load(String accountId, String credentialHash);

    void save(String accountId, String credentialHash, String token);

    /** What ties a stored token to the configured one it descends from (a new configured token starts afresh). */
    static String credentialHash(String configuredToken) {
        return dev.pmsconversations.model.Hashes.sha256(configuredToken);
    }

    /** The state store as the keeper of the rotated tokens (table refresh_token). */
    static RefreshTokens in(dev.pmsconversations.store.StateStore store) {
        return new RefreshTokens() {
            @Override
            public Optional<String> load(String accountId, String credentialHash) {
                return store.refreshToken(accountId, credentialHash);
            }

            @Override
            public void save(String accountId, String credentialHash, String token) {
                store.saveRefreshToken(accountId, credentialHash, token);
            }
        };
    }

    /** For tools without a store (the {@code map} command never calls the PMS): kept in memory. */
    static RefreshTokens inMemory() {
        Map<String, String[]> tokens = new ConcurrentHashMap<>();
        return new RefreshTokens() {
            @Override
            public Optional<String> load(String accountId, String credentialHash) {
                String[] t = tokens.get(accountId);
                return t != null && t[0].equals(credentialHash) ? Optional.of(t[1]) : Optional.empty();
            }

            @Override
            public void save(String accountId, String credentialHash, String token) {
                tokens.put(accountId, new String[] {credentialHash, token});
            }
        };
    }
}
