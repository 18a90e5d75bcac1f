package dev.pmsconversations.simulator;

/** A fault to inject into the next matching requests: an HTTP status, or a 200 with a broken body. */
public record SimFault(String pathContains, int status, String body, String retryAfter) {

    public static SimFault status(String pathContains, int status) {
        return new SimFault(pathContains, status, null, null);
    }

    public static SimFault tooManyRequests(String pathContains, int retryAfterSeconds) {
        return new SimFault(pathContains, 429, null, Integer.toString(retryAfterSeconds));
    }

    public static SimFault malformed(String pathContains) {
        return new SimFault(pathContains, 200, "{\"status\": \"success\", \"result\": [{\"id\": 1,", null);
    }

    public static SimFault body(String pathContains, String body) {
        return new SimFault(pathContains, 200, body, null);
    }
}
