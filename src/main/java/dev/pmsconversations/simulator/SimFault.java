package dev.pmsconversations.simulator;

/**
 * A fault to inject into the next matching requests (path contains the text; {@code method} null = any):
 * an HTTP status, or a 200 with a broken body. {@code afterHandling}: the PMS does the work (e.g. takes
 * the message) and then answers with the fault, as a PMS that fails after committing would.
 */
public record SimFault(String method, String pathContains, int status, String body, String retryAfter, boolean afterHandling,
                       long delayMillis, boolean exactPath) {

    public SimFault(String method, String pathContains, int status, String body, String retryAfter, boolean afterHandling) {
        this(method, pathContains, status, body, retryAfter, afterHandling, 0, false);
    }

    /**
     * The PMS is slow: the answer (the real one, or {@code status} when not 0) comes {@code millis} late; longer
     * than the runtime's response timeout, it is a timeout. With {@link #handledFirst()} the request is handled
     * before the wait (the PMS has done the work when the caller gives up or dies).
     */
    public static SimFault slow(String pathContains, long millis) {
        return new SimFault(null, pathContains, 0, null, null, false, millis, false);
    }

    /** True when the fault only delays the real answer. */
    public boolean delaysOnly() {
        return status == 0;
    }

    public static SimFault status(String pathContains, int status) {
        return new SimFault(null, pathContains, status, null, null, false);
    }

    public static SimFault tooManyRequests(String pathContains, int retryAfterSeconds) {
        return new SimFault(null, pathContains, 429, null, Integer.toString(retryAfterSeconds), false);
    }

    public static SimFault malformed(String pathContains) {
        return new SimFault(null, pathContains, 200, "{\"status\": \"success\", \"result\": [{\"id\": 1,", null, false);
    }

    public static SimFault body(String pathContains, String body) {
        return new SimFault(null, pathContains, 200, body, null, false);
    }

    /** Only for requests with this HTTP method. */
    public SimFault onMethod(String m) {
        return new SimFault(m, pathContains, status, body, retryAfter, afterHandling, delayMillis, exactPath);
    }

    /** The request is handled first, then the fault is answered instead of the real response. */
    public SimFault handledFirst() {
        return new SimFault(method, pathContains, status, body, retryAfter, true, delayMillis, exactPath);
    }

    /** Only for requests whose path is exactly the fault's text (e.g. a list, not the items under it). */
    public SimFault exactly() {
        return new SimFault(method, pathContains, status, body, retryAfter, afterHandling, delayMillis, true);
    }

    boolean matches(String m, String path) {
        return (method == null || method.equalsIgnoreCase(m)) && (exactPath ? path.equals(pathContains) : path.contains(pathContains));
    }
}
