package dev.pmsconversations.sync;

import dev.pmsconversations.account.AccountClients;
import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.exchange.Headers;
import dev.pmsconversations.model.Hashes;
import dev.pmsconversations.exchange.LogContext;
import dev.pmsconversations.mapping.MappingException;
import dev.pmsconversations.mapping.NativeBundle;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.ConversationEvent;
import dev.pmsconversations.model.Message;
import dev.pmsconversations.source.AccountClient;
import dev.pmsconversations.source.PmsApiException;
import dev.pmsconversations.source.SourceDefinition;
import dev.pmsconversations.store.ConversationState;
import dev.pmsconversations.store.StateStore;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of {@code routes/sync-account.camel.yaml}: list the threads of one account, fetch and map
 * the changed ones, detect content changes against the store, and record what was delivered. Every
 * failure is recorded with source, account and field, and never stops the other threads or accounts.
 */
public final class SyncService {
    public static final String POLL = "pmsPoll";
    public static final String PENDING = "pmsPending";
    static final String LOCK = "pmsConversationLock";
    /** Exchange property: this read was asked for by a dead letter's retry (its dead letter is resolved if it goes through). */
    public static final String READ_RETRY = "pmsReadRetry";
    private static final Logger LOG = LoggerFactory.getLogger(SyncService.class);
    private static final Logger PROGRESS = LoggerFactory.getLogger("pms.progress");

    private final AccountClients accounts;
    /** Saves of polled threads hold it shared; erasing a removed account's rows holds it alone (see {@link #erase}). */
    private final java.util.concurrent.locks.ReadWriteLock erasing = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final StateStore store;
    private final java.time.Clock clock;
    private final PollBreakers breakers = new PollBreakers(dev.pmsconversations.config.RuntimeConfig.BreakerConfig.DEFAULT);
    private final Map<String, AccountStatus> status = new ConcurrentHashMap<>();
    /** Per account, the newest message time mapped so far (sync lag = now − this). */
    private final Map<String, Instant> newestMessage = new ConcurrentHashMap<>();
    /** Told of each input that failed to map: (account, unified field), e.g. for a metric by field. */
    private volatile java.util.function.BiConsumer<String, String> mappingErrorListener = (account, field) -> { };
    private final dev.pmsconversations.delivery.DeliveryService deliveries;
    private volatile Consumer<PollSummary> pollListener = s -> { };
    /** A poll and a webhook never process the same thread at once. */
    private final ConversationLocks locks = new ConversationLocks();
    private final FailedReads failures;
    private final MappingDrift drift = new MappingDrift();
    /** The polls running on this node, by account: their progress (status page, /v2/status, progress lines). */
    private final Map<String, PollRun> running = new ConcurrentHashMap<>();
    private volatile dev.pmsconversations.account.AccountHealth health;
    /** Threads one poll reads at once (runtime.cluster.readsInParallel). */
    private volatile int readsInParallel = 1;

    /** What one finished poll did, for progress output. */
    public record PollSummary(String accountId, String source, boolean failed, int listed, int delivered, int messages,
                              int newMessages, int errors, long requests, long millis, String error) {
    }

    public SyncService(AccountClients accounts, StateStore store, java.time.Clock clock,
                       dev.pmsconversations.delivery.DeliveryService deliveries) {
        this.accounts = accounts;
        this.deliveries = deliveries;
        this.clock = clock;
        this.store = store;
        this.failures = new FailedReads(accounts, store);
        for (AccountConfig a : accounts.all()) {
            status.put(a.id(), AccountStatus.initial(a.id(), a.source()));
        }
    }

    public void onPoll(Consumer<PollSummary> listener) {
        this.pollListener = listener;
    }

    /**
     * Remembers the account's newest mapped message time (the sync-lag gauge); true when one of the messages is
     * {@link #unsettled} as of {@code now}. One pass: each message's time is parsed once.
     */
    private boolean noteNewest(String accountId, Conversation conversation, Instant now) {
        boolean around = false;
        for (dev.pmsconversations.model.Message m : conversation.messages()) {
            if (m.createdAt() != null) {
                Instant at = Instant.parse(m.createdAt());
                newestMessage.merge(accountId, at, (a, b) -> a.isAfter(b) ? a : b);
                around |= Changes.unsettled(at, now);
            }
        }
        return around;
    }

    /** The newest message time mapped for the account, if any (for the sync-lag gauge). */
    public Instant newestMessage(String accountId) {
        return newestMessage.get(accountId);
    }

    /** What the mappings tolerated, per source, account, field and kind. */
    public MappingDrift drift() {
        return drift;
    }

    /** The steps of failed reads (route beans: threadFailed, readRetryFailed, claimReadRetries; mapping versions). */
    public FailedReads failures() {
        return failures;
    }

    public void onMappingError(java.util.function.BiConsumer<String, String> listener) {
        this.mappingErrorListener = listener;
    }

    public Map<String, AccountStatus> status() {
        return Map.copyOf(status);
    }

    /** Where the polls running on this node are, by account. */
    public Map<String, PollRun.Progress> progress() {
        Map<String, PollRun.Progress> out = new java.util.TreeMap<>();
        running.values().forEach(r -> out.put(r.accountId(), r.progress()));
        return out;
    }

    /** Route step 1: the threads to look at, as a lazy iterator for a streaming split. */
    public Iterator<ThreadRef> startPoll(Exchange exchange) {
        String accountId = exchange.getIn().getHeader(Headers.ACCOUNT, String.class);
        AccountConfig configured = accounts.account(accountId);
        LogContext.account(accountId, configured == null ? null : configured.source());
        AccountClient client = accounts.client(accountId);
        PollRun run = new PollRun(client);
        exchange.setProperty(POLL, run);
        if (deliveries.backlogFull(accountId)) {
            // the sinks are far behind: polling more would only grow the queue; the next poll looks again
            LOG.warn("[{}/{}] poll skipped: the sinks' backlog for this account is full", run.source(), accountId);
            run.complete = false;
            return java.util.Collections.emptyIterator();
        }
        if (!breakers.tryPoll(accountId)) {
            // failed polls in a row (or refused credentials): the PMS is asked again when the breaker allows a trial
            LOG.info("[{}/{}] poll skipped: circuit open after failed polls ({})", run.source(), accountId,
                    status.get(accountId) == null ? "" : status.get(accountId).lastError());
            run.skipped = true;
            run.complete = false;
            return java.util.Collections.emptyIterator();
        }
        String cursor = store.cursor(accountId).orElse(null);
        run.fromScratch = cursor == null;
        running.put(accountId, run);
        return new ReadSlots(new ThreadIterator(run, cursor, zone(client), clock, e -> failures.pageFailed(run, e)), run.slots(readsInParallel),
                dev.pmsconversations.exchange.Stopping.of(exchange.getContext()), e -> run.listingFailure = e);
    }

    /**
     * Route step 2b, per thread of a poll, whatever became of it (delivered, unchanged, dead-lettered): its read slot is
     * free for the next thread ({@link ReadSlots}), and a first sync or resync says where it is every 100 threads.
     */
    public void threadDone(Exchange exchange) {
        PollRun run = exchange.getProperty(POLL, PollRun.class);
        int done = run.done.incrementAndGet();
        run.releaseSlot();
        if (run.fromScratch && done % PollRun.PROGRESS_EVERY == 0) {
            PROGRESS.info(run.progress().line());
        }
    }

    /** Threads one poll reads at once, within the account's rate limits (runtime.cluster.readsInParallel). */
    public void readInParallel(int threads) {
        this.readsInParallel = threads;
    }

    /**
     * Route step 2, per thread: fetch its messages when its marker changed, map, compare with the last
     * delivered content. Returns the event to deliver, or null when nothing changed.
     */
    public ConversationEvent process(ThreadRef ref, Exchange exchange) {
        PollRun run = ref.run();
        AccountClient client = run.client;
        SourceDefinition def = client.source();
        String accountId = run.accountId();
        LogContext.account(accountId, def.key());
        LogContext.conversation(ref.conversationId());
        if (exchange.getProperty(LOCK) == null) { // a directed read took it before reading the record
            locks.lock(exchange, accountId, ref.conversationId());
        }
        Optional<ConversationState> previous = store.conversation(accountId, ref.conversationId());
        boolean failing = previous.isPresent() && previous.get().failing();
        String listMarker = Changes.marker(def, ref.record());
        // a directed read (webhook, sent message) reads the messages even when the marker did not move: two
        // messages in the same second leave a to-the-second marker where it was; a thread whose last read failed is
        // read again until it goes through
        if (listMarker != null && !ref.directed() && !failing && previous.isPresent() && listMarker.equals(previous.get().marker())) {
            ConversationLocks.unlock(exchange);
            return null;
        }
        NativeBundle bundle = client.withMessages(ref.conversationId(), ref.record());
        // without a list marker, the thread as read (record + messages) is the marker; related records (a guest,
        // a lead) are read only when it changed, so a quiet poll costs no extra call per thread
        String marker = listMarker != null ? listMarker : "native:" + Hashes.sha256(bundle.toJson().toString());
        if (listMarker == null && !failing && previous.isPresent() && marker.equals(previous.get().marker())) {
            ConversationLocks.unlock(exchange);
            return null;
        }
        bundle = client.withRelated(ref.conversationId(), bundle);
        exchange.setProperty(PENDING, new Pending(accountId, def.key(), ref.conversationId(), marker, null, null, null, null));
        exchange.setProperty("pmsNative", bundle);
        Conversation conversation;
        try {
            dev.pmsconversations.mapping.MappedConversation mapped = def.mapping(client.account().timeZone()).mapWithReport(bundle);
            conversation = mapped.conversation();
            if (!mapped.report().isEmpty()) {
                drift.note(accountId, mapped.report());
            }
        } catch (MappingException e) {
            mappingErrorListener.accept(accountId, e.field());
            throw e.withAccount(accountId);
        }
        if (failing || exchange.getProperty(READ_RETRY) != null) {
            int resolved = store.readFailures().resolveThread(accountId, ref.conversationId());
            if (resolved > 0) {
                LOG.info("Conversation {} of account '{}' reads and maps again: {} dead letter(s) resolved", ref.conversationId(),
                        accountId, resolved);
            }
        }
        boolean messageAround = noteNewest(accountId, conversation, clock.instant());
        if (listMarker != null && messageAround) {
            // read within seconds of its newest message: another message may still come in that same second
            // without moving the marker (a time to the second at most PMSs), so the next poll reads it once more
            marker = Changes.UNSETTLED + marker;
        }
        String snapshot = Changes.canonicalJson(conversation);
        String hash = Hashes.sha256(snapshot);
        Pending pending = new Pending(accountId, def.key(), ref.conversationId(), marker, conversation, hash, snapshot,
                previous.map(ConversationState::contentHash).orElse(null));
        exchange.setProperty(PENDING, pending);
        if (previous.isPresent() && hash.equals(previous.get().contentHash())) {
            pending.save(store);
            ConversationLocks.unlock(exchange);
            return null;
        }
        List<String> newIds = Changes.newMessageIds(conversation, previous.map(ConversationState::snapshot).orElse(null));
        ConversationEvent event = new ConversationEvent(
                "evt_" + Hashes.sha256(accountId + "|" + conversation.id() + "|" + hash).substring(0, 32),
                previous.isPresent() && previous.get().delivered() ? ConversationEvent.UPDATED : ConversationEvent.CREATED,
                def.key(), accountId, Changes.occurredAt(conversation), newIds, conversation);
        exchange.getIn().setHeader(Headers.SOURCE, def.key());
        exchange.getIn().setHeader(Headers.CONVERSATION, conversation.id());
        exchange.getIn().setHeader(Headers.FILE, Hashes.fileName(conversation.id()));
        exchange.getIn().setHeader(Headers.EVENT, event.id());
        run.messages.addAndGet(conversation.messages().size());
        run.newMessages.addAndGet(newIds.size());
        return event;
    }

    /**
     * Route step 3: queue the event for the account's sinks and remember the content, in one transaction:
     * from here the event waits durably in the sinks' queues, and the same change is not detected again.
     */
    public void delivered(Exchange exchange) {
        PollRun run = exchange.getProperty(POLL, PollRun.class);
        erasing.readLock().lock();
        try {
            if (accounts.account(run.accountId()) == null) {
                // removed (and maybe erased) while this thread was being read: nothing of it is stored any more
                LOG.info("Conversation {} of account '{}' not stored: the account was removed", exchange.getIn().getHeader(Headers.CONVERSATION),
                        run.accountId());
                return;
            }
            Pending pending = exchange.getProperty(PENDING, Pending.class);
            exchange.setProperty(dev.pmsconversations.delivery.DeliveryService.QUEUED,
                    deliveries.queue(exchange.getIn().getBody(ConversationEvent.class), () -> pending.saveIfUnchanged(store)));
            run.delivered.incrementAndGet();
        } catch (Pending.AccountRemoved e) {
            LOG.info("Conversation {} of account '{}' not stored: the account was removed", exchange.getIn().getHeader(Headers.CONVERSATION),
                    run.accountId());
        } catch (Pending.ChangedMeanwhile e) {
            // the other node queued its own (newer or equal) event; this poll's cursor stays, the next one re-checks
            LOG.info("Conversation {} of account '{}' was changed meanwhile by another node; it is checked again at the next poll",
                    exchange.getIn().getHeader(Headers.CONVERSATION), run.accountId());
            run.complete = false;
        } finally {
            erasing.readLock().unlock();
            ConversationLocks.unlock(exchange);
        }
    }

    /**
     * Single-thread sync (webhook, after a send): the thread's record read through the source's "get one"
     * call, then the same per-thread steps as a poll ({@code direct:process-thread}).
     */
    public ThreadRef startThread(Exchange exchange) {
        String accountId = exchange.getIn().getHeader(Headers.ACCOUNT, String.class);
        String conversationId = exchange.getIn().getHeader(Headers.CONVERSATION, String.class);
        AccountClient client = accounts.client(accountId);
        PollRun run = new PollRun(client);
        exchange.setProperty(POLL, run);
        // the record is read under the conversation's lock, as the messages are after it: read before a poll of the
        // same thread took the lock, it could pair an older record with newer messages (and a later read would then
        // "correct" it with an event of no new message)
        locks.lock(exchange, accountId, conversationId);
        try {
            return new ThreadRef(run, conversationId, client.fetchRecord(conversationId), true);
        } catch (RuntimeException e) {
            ConversationLocks.unlock(exchange);
            throw e;
        }
    }

    /**
     * Runs {@code erase} (deleting a removed account's rows) when no thread of this node is being saved: a save that comes
     * after it finds the account gone ({@link #delivered}) and stores nothing, so the erasure is not undone by work that
     * was in flight.
     */
    public void erase(Runnable erase) {
        erasing.writeLock().lock();
        try {
            erase.run();
        } finally {
            erasing.writeLock().unlock();
        }
    }

    /** Route step 4: the poll went through every page; advance the cursor if nothing was skipped. */
    public void finishPoll(Exchange exchange) {
        PollRun run = exchange.getProperty(POLL, PollRun.class);
        if (run.listingFailure != null) {
            throw run.listingFailure; // now that its threads' reads have ended (ReadSlots): the failure path reports it
        }
        LogContext.account(run.accountId(), run.source()); // the threads' steps (and their deliveries) set their own
        if (run.skipped) {
            LogContext.clear();
            return; // not a poll: the breaker is open
        }
        if (run.complete && run.newestSeen != null) {
            store.saveCursor(run.accountId(), run.newestSeen);
        }
        if (run.complete) {
            failures.pollCompleted(run.accountId());
        }
        breakers.succeeded(run.accountId(), java.time.Duration.between(run.startedAt, Instant.now()));
        report(run, false, null, false);
        LogContext.clear();
    }

    /** The poll itself failed (PMS down, auth refused): nothing advanced, the next poll retries. */
    public void pollFailed(Exchange exchange) {
        Exception e = FailedReads.rootCause(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        PollRun run = exchange.getProperty(POLL, PollRun.class);
        String accountId = exchange.getIn().getHeader(Headers.ACCOUNT, String.class);
        String message = e == null ? "unknown failure" : e.getMessage();
        AccountConfig configured = accounts.account(accountId);
        LogContext.account(accountId, configured == null ? null : configured.source());
        LogContext.conversation(null);
        try {
            pollFailed(exchange, e, run, accountId, message);
        } finally {
            LogContext.clear();
        }
    }

    private void pollFailed(Exchange exchange, Exception e, PollRun run, String accountId, String message) {
        if (dev.pmsconversations.exchange.Stopping.now(exchange.getContext())) {
            // cut off by a stop (a forced shutdown after its timeout): nothing advanced, the next poll does it again
            LOG.info("Poll cut off by the stop; handed back to the next poll ({})", message);
            if (run != null) {
                running.remove(run.accountId(), run);
            }
            return;
        }
        LOG.error("Poll failed: {}", message);
        if (run == null) {
            AccountConfig a = accounts.account(accountId);
            status.computeIfPresent(accountId, (k, s) -> s.failedEarly(message, isAuthFailure(e)));
            recordHealth(accountId, true, isAuthFailure(e), message);
            pollListener.accept(new PollSummary(accountId, a == null ? null : a.source(), true, 0, 0, 0, 0, 1, 0, 0, message));
            return;
        }
        breakers.failed(accountId, java.time.Duration.between(run.startedAt, Instant.now()), e, isAuthFailure(e));
        report(run, true, message, isAuthFailure(e));
    }

    /** Where each poll's outcome is recorded for the cluster (status, lifecycle events); none until set. */
    public void useHealth(dev.pmsconversations.account.AccountHealth health) {
        this.health = health;
    }

    /** An account's credentials or settings changed (the store's account was applied again): its breaker starts closed. */
    public void accountChanged(String accountId) {
        breakers.forget(accountId);
    }

    /** The per-account poll breakers' settings (runtime.breaker). */
    public void useBreakers(dev.pmsconversations.config.RuntimeConfig.BreakerConfig settings) {
        breakers.configure(settings);
    }

    /** Tests: the poll breakers time their open intervals by this clock (real time otherwise). */
    void useBreakerClock(java.time.Clock breakerClock) {
        breakers.useClock(breakerClock);
    }

    /** The account's poll breaker: CLOSED (polling), OPEN (polls skipped) or HALF_OPEN (a trial poll). */
    public String circuit(String accountId) {
        return breakers.state(accountId);
    }

    private static boolean isAuthFailure(Exception e) {
        return e instanceof dev.pmsconversations.source.PmsApiException p && p.isAuthFailure();
    }

    private void report(PollRun run, boolean failed, String error, boolean auth) {
        running.remove(run.accountId(), run);
        status.compute(run.accountId(), (k, s) -> (s == null ? AccountStatus.initial(run.accountId(), run.source()) : s)
                .plus(run, failed, error, auth));
        recordHealth(run.accountId(), failed, auth, error);
        long millis = java.time.Duration.between(run.startedAt, Instant.now()).toMillis();
        PollSummary summary = new PollSummary(run.accountId(), run.source(), failed, run.listed.get(), run.delivered.get(),
                run.messages.get(), run.newMessages.get(), run.errors.get() + (failed ? 1 : 0), run.requests(), millis, error);
        PROGRESS.info("[{}/{}] poll {}: {} threads listed, {} delivered ({} messages, {} new), {} errors, {} requests, {} ms",
                run.source(), run.accountId(), failed ? "FAILED" : "done", summary.listed(), summary.delivered(),
                summary.messages(), summary.newMessages(), summary.errors(), summary.requests(), millis);
        pollListener.accept(summary);
    }

    private void recordHealth(String accountId, boolean failed, boolean auth, String error) {
        dev.pmsconversations.account.AccountHealth h = health;
        if (h != null) {
            h.polled(accountId, failed, auth, error);
        }
    }

    private java.time.ZoneId zone(AccountClient client) {
        return client.account().timeZone() != null ? client.account().timeZone() : client.source().api().timeZone();
    }
}
