package dev.pmsconversations.account;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An account created at run time, as the store holds it; {@code credentials} are plaintext here, encrypted in the row
 * ({@link AccountStore}). {@code every}/{@code cron}: the poll schedule; {@code removed}: a tombstone the nodes follow;
 * {@code webhookId}: its webhook subscription's id at the PMS (made through the PMS's API), null without one.
 */
public record StoredAccount(String id, String source, String name, String externalRef, String baseUrl, String timeZone,
                            Map<String, String> credentials, String every, String cron, List<String> sinks, List<String> tags,
                            boolean paused, boolean removed, long version, Instant createdAt, Instant updatedAt, String webhookId) {

    /** The account as the rest of the runtime knows accounts (credentials as secrets, never printed). */
    public dev.pmsconversations.config.AccountConfig config() {
        Map<String, dev.pmsconversations.config.Secret> secrets = new java.util.LinkedHashMap<>();
        credentials.forEach((k, v) -> secrets.put(k, new dev.pmsconversations.config.Secret(v, "stored:credentials." + k)));
        return new dev.pmsconversations.config.AccountConfig(id, source, baseUrl, timeZone == null ? null : java.time.ZoneId.of(timeZone),
                secrets, every, cron, sinks, null);
    }
}
