package dev.pmsconversations.exchange;

/**
 * The Camel message headers the runtime's steps and routes pass a unit of work on with (routes/*.camel.yaml name
 * them as text). A caller of the API cannot set them: every {@code pms*} header is removed from an API request.
 */
public final class Headers {
    public static final String ACCOUNT = "pmsAccountId";
    public static final String SOURCE = "pmsSource";
    public static final String CONVERSATION = "pmsConversationId";
    /** The conversation's file name in the file sinks (a safe form of its id). */
    public static final String FILE = "pmsFileName";
    public static final String EVENT = "pmsEventId";

    private Headers() {
    }
}
