package dev.pmsconversations.exchange;

import org.slf4j.MDC;

/**
 * What a log line is about, in the MDC (JSON logs: {@code contextMap}; text logs: the account): account, source,
 * conversation, event and sink. Set where the work starts (on the thread that does it), cleared where it ends.
 */
public final class LogContext {
    // the MDC keys are the message headers' names: a log line's context reads as the exchange it is about
    public static final String ACCOUNT = Headers.ACCOUNT;
    public static final String SOURCE = Headers.SOURCE;
    public static final String CONVERSATION = Headers.CONVERSATION;
    public static final String EVENT = Headers.EVENT;
    public static final String SINK = "pmsSinkName";

    private LogContext() {
    }

    /** A unit of work about this account begins: what the thread's previous work put in the context goes. */
    public static void account(String accountId, String source) {
        clear();
        put(ACCOUNT, accountId);
        put(SOURCE, source);
    }

    public static void conversation(String conversationId) {
        put(CONVERSATION, conversationId);
    }

    public static void delivery(String sink, String eventId) {
        put(SINK, sink);
        put(EVENT, eventId);
    }

    public static void clear() {
        for (String k : new String[] {ACCOUNT, SOURCE, CONVERSATION, EVENT, SINK}) {
            MDC.remove(k);
        }
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
