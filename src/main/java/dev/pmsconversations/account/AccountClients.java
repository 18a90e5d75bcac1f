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
 * Accounts come from the configuration file and, at run time, from the store ({@link #put}, {@link #remove}: the
 * {@code AccountFollower} of every node); the map is replaced on each change, so the many reads take no lock.
 */
public final class AccountClients {
    private final SourceRegistry sources;
    private final PmsHttp http;
    private final RefreshTokens refreshTokens;
    private final RequestPermits permits;
    private volatile Map<String, AccountConfig> accounts = Map.of();
    private final Set<String> configured;
    private final Map<String, AccountClient> clients = new ConcurrentHashMap<>();

    /** {@code permits}: the PMSs' published limits, counted in this JVM or shared by every node of the store. */
    public AccountClients(SourceRegistry sources, PmsHttp http, RefreshTokens refreshTokens, RequestPermits permits,
                          List<AccountConfig> configured) {
        this.sources = sources;
        this.http = http;
        this.refreshTokens = refreshTokens;
        this.permits = permits;
        Map<String, AccountConfig> all = new LinkedHashMap<>();
        configured.forEach(a -> all.put(a.id(), a));
        this.accounts = java.util.Collections.unmodifiableMap(all);
        this.configured = Set.copyOf(all.keySet());
    }

    /** Adds or replaces a run-time account (its next request uses the new credentials). */
    public synchronized void put(AccountConfig account) {
        if (configured.contains(account.id())) {
            throw new IllegalArgumentException("account '" + account.id() + "' is managed by the configuration file");
        }
        Map<String, AccountConfig> next = new LinkedHashMap<>(accounts);
        next.put(account.id(), account);
        accounts = java.util.Collections.unmodifiableMap(next);
        clients.remove(account.id());
    }

    /** Removes a run-time account; false when there was none. */
    public synchronized boolean remove(String accountId) {
        if (configured.contains(accountId) || !accounts.containsKey(accountId)) {
            return false;
        }
        Map<String, AccountConfig> next = new LinkedHashMap<>(accounts);
        next.remove(accountId);
        accounts = java.util.Collections.unmodifiableMap(next);
        clients.remove(accountId);
        return true;
    }

    /** True for an account of the configuration file (the API may not change it). */
    public boolean fromConfiguration(String accountId) {
        return configured.contains(accountId);
    }

    /** The account's client; an unknown account is an {@link IllegalArgumentException} naming it. */
    public AccountClient client(String accountId) {
        AccountConfig account = account(accountId);
        if (account == null) {
            throw new IllegalArgumentException("no account '" + accountId + "'");
        }
        SourceDefinition def = sources.get(account.source());
        AccountClient c = clients.get(accountId);
        if (c == null || c.source() != def) { // a reloaded source file gets a fresh client
            c = new AccountClient(def, account, http, refreshTokens, permits);
            clients.put(accountId, c);
        }
        return c;
    }

    /** A client for an account not (yet) registered, e.g. to check its credentials before it is stored. */
    public AccountClient probe(AccountConfig account) {
        return new AccountClient(sources.get(account.source()), account, http, refreshTokens, permits);
    }

    /** The account's configuration, or null. */
    public AccountConfig account(String accountId) {
        return accounts.get(accountId);
    }

    public Collection<AccountConfig> all() {
        return accounts.values();
    }

    /** The account ids: a live view (an account added or removed later is seen by the holder). */
    public Set<String> ids() {
        return new java.util.AbstractSet<>() {
            @Override
            public java.util.Iterator<String> iterator() {
                return accounts.keySet().iterator();
            }

            @Override
            public int size() {
                return accounts.size();
            }

            @Override
            public boolean contains(Object o) {
                return accounts.containsKey(o);
            }
        };
    }

    /** The ids of the accounts of one source. */
    public List<String> ofSource(String source) {
        return accounts.values().stream().filter(a -> a.source().equals(source)).map(AccountConfig::id).toList();
    }

    public SourceRegistry sources() {
        return sources;
    }
}
