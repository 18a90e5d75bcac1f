package dev.pmsconversations.sync;

import dev.pmsconversations.account.AccountClients;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.exchange.Headers;
import dev.pmsconversations.mapping.MappingException;
import dev.pmsconversations.mapping.NativeBundle;
import dev.pmsconversations.source.PmsApiException;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.store.StateStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads that failed, and reading them again: each failure opens (or counts once more) its dead letter and leaves the
 * thread to be read again; a dead letter's retry is claimed by one node; a changed source file has its accounts read
 * again. Route steps of routes/sync-account.camel.yaml (bean {@code failedReads}).
 */
public final class FailedReads {
    private static final Logger LOG = LoggerFactory.getLogger(SyncService.class);
    private final AccountClients accounts;
    private final StateStore store;
    /** Accounts with a list page that failed on this node since their last complete poll (resolved by the next one). */
    private final Set<String> pageFailures = ConcurrentHashMap.newKeySet();

    FailedReads(AccountClients accounts, StateStore store) {
        this.accounts = accounts;
        this.store = store;
    }

    /**
     * A thread failed: its dead letter (source, account, field, native document) is opened or counted once more, and the
     * thread is flagged so that every later read takes it up again, its marker and delivered content left as they were.
     * Mapping problems are read again by the next poll (a thread listed again), a replay or a changed source file; PMS
     * failures also keep the cursor where it was.
     */
    public void threadFailed(Exchange exchange) {
        ConversationLocks.unlock(exchange);
        Exception e = rootCause(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        PollRun run = exchange.getProperty(SyncService.POLL, PollRun.class);
        ThreadRef ref = exchange.getIn().getBody() instanceof ThreadRef t ? t : null;
        Pending pending = exchange.getProperty(SyncService.PENDING, Pending.class);
        if (e instanceof dev.pmsconversations.limits.PermitWaitStopped) {
            // the runtime stops: nothing was asked of the PMS, and the next poll reads the thread (its cursor stays)
            LOG.info("Conversation {} of account '{}' not read: {}", ref != null ? ref.conversationId() : pending != null ? pending.conversationId() : "?",
                    run.accountId(), e.getMessage());
            run.complete = false;
            return;
        }
        run.errors.incrementAndGet();
        String message = e == null ? "unknown failure" : e.getMessage();
        NativeBundle bundle = exchange.getProperty("pmsNative", NativeBundle.class);
        String conversationId = ref != null ? ref.conversationId() : pending != null ? pending.conversationId() : null;
        recordFailure(run.source(), run.accountId(), e, conversationId, message, bundle == null ? null : bundle.toJson().toString());
        if (!(e instanceof MappingException)) {
            run.complete = false; // retried at the next poll: the cursor must not move past it
        }
    }

    /** A dead letter's retry could not even start reading its thread (the PMS refused its record): reopened. */
    public void readRetryFailed(Exchange exchange) {
        ConversationLocks.unlock(exchange);
        Exception e = rootCause(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        String accountId = exchange.getIn().getHeader(Headers.ACCOUNT, String.class);
        AccountConfig a = accounts.account(accountId);
        recordFailure(a == null ? "?" : a.source(), accountId, e, exchange.getIn().getHeader(Headers.CONVERSATION, String.class),
                e == null ? "unknown failure" : e.getMessage(), null);
    }

    private void recordFailure(String source, String accountId, Exception e, String conversationId, String message, String document) {
        if (accounts.account(accountId) == null) {
            LOG.info("A read of account '{}' failed after the account was removed: not recorded", accountId);
            return;
        }
        String kind = e instanceof MappingException ? "mapping" : "thread";
        String field = e instanceof MappingException m ? m.field() : null;
        if (store.readFailures().record(source, accountId, kind, conversationId, field, message, document)) {
            LOG.error("{}", message);
        } else {
            LOG.warn("Conversation {} of account '{}' still fails: {}", conversationId, accountId, message);
        }
        if (conversationId != null) {
            store.markFailing(accountId, source, conversationId);
        }
    }

    /** The dead letters' threads asked to be read again (dlq replay, a changed source file), claimed for this node. */
    public List<dev.pmsconversations.store.ReadFailures.Retry> claimReadRetries() {
        return store.readFailures().claimDue(20, java.time.Duration.ofMinutes(2));
    }

    /**
     * A source file's version: at start for every configured source, and for each file reloaded in dev mode. A version
     * other than the one the store's conversations were mapped with has them read and mapped again at the accounts' next
     * polls (markers and cursors cleared, as {@code resync} does; only real differences become events), and the open
     * dead letters of those accounts read again at once.
     */
    public void mappingVersion(SourceDefinition def) {
        List<String> ids = accounts.ofSource(def.key());
        if (ids.isEmpty() || !store.mappingVersions().advance(def.key(), def.fingerprint())) {
            return;
        }
        int conversations = 0;
        for (String id : ids) {
            conversations += store.resync(id, null);
        }
        int retries = store.readFailures().requestRetry(ids, null);
        LOG.info("[{}] the source file changed: {} conversation(s) of {} account(s) are read and mapped again at their next polls, "
                + "{} failed thread(s) at once; only differences are delivered", def.key(), conversations, ids.size(), retries);
    }

    /** A list page could not be read or had a record without id: its dead letter, the poll goes on without it. */
    void pageFailed(PollRun run, RuntimeException e) {
        run.errors.incrementAndGet();
        pageFailures.add(run.accountId());
        if (store.readFailures().record(run.source(), run.accountId(), "page", null, null, e.getMessage(), null)) {
            LOG.error("{}", e.getMessage());
        } else {
            LOG.warn("{} (again)", e.getMessage());
        }
    }

    /** The account's poll read every page: its page dead letters are resolved. */
    void pollCompleted(String accountId) {
        if (pageFailures.remove(accountId)) {
            store.readFailures().resolvePages(accountId);
        }
    }

    /** Camel wraps what a bean or iterator throws; report the project's own exception. */
    static Exception rootCause(Exception e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof MappingException || t instanceof PmsApiException || t instanceof dev.pmsconversations.source.MalformedPageException
                    || t instanceof dev.pmsconversations.store.StateStore.StoreException) {
                return (Exception) t;
            }
            t = t.getCause();
        }
        return e;
    }
}
