package dev.pmsconversations.account;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.limits.RequestPermits;
import dev.pmsconversations.source.AccountClient;
import dev.pmsconversations.source.PmsHttp;
import dev.pmsconversations.source.RefreshTokens;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.source.SourceRegistry;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accounts and one PMS client per account: the one home that the polls (sync), the sends (outbox), the webhook
 * receiver and the API look down to. A client is made at first use and made again when its source file was reloaded.
 */
public final class AccountClients {
    private final SourceRegistry sources;
    private final PmsHttp http;
    private final RefreshTokens refreshTokens;
    private final RequestPermits permits;
    private final Map<String, AccountConfig> accounts = new LinkedHashMap<>();
    private final Map<String, AccountClient> clients = new ConcurrentHashMap<>();

    /** {@code permits}: the PMSs' published limits, counted in this JVM or shared by every node of the store. */
    public AccountClients(SourceRegistry sources, PmsHttp http, RefreshTokens refreshTokens, RequestPermits permits,
                          List<AccountConfig> configured) {
        this.sources = sources;
        this.http = http;
        this.refreshTokens = refreshTokens;
        this.permits = permits;
        configured.forEach(a -> accounts.put(a.id(), a));
    }

    /** The account's client; an unknown account is an {@link IllegalArgumentException} naming it. */
    public AccountClient client(String accountId) {
        AccountConfig account = account(accountId);
        if (account == null) {
            throw new IllegalArgumentException("no account '" + accountId + "' in the configuration");
        }
        SourceDefinition def = sources.get(account.source());
        AccountClient c = clients.get(accountId);
        if (c == null || c.source() != def) { // a reloaded source file gets a fresh client
            c = new AccountClient(def, account, http, refreshTokens, permits);
            clients.put(accountId, c);
        }
        return c;
    }

    /** The account's configuration, or null. */
    public AccountConfig account(String accountId) {
        return accounts.get(accountId);
    }

    public Collection<AccountConfig> all() {
        return accounts.values();
    }

    public Set<String> ids() {
        return accounts.keySet();
    }

    /** The ids of the accounts of one source. */
    public List<String> ofSource(String source) {
        return accounts.values().stream().filter(a -> a.source().equals(source)).map(AccountConfig::id).toList();
    }

    public SourceRegistry sources() {
        return sources;
    }
}
