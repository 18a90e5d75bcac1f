package dev.pmsconversations.source;

/**
 * The PMS could not be read: HTTP failure after retries, auth refused, or a body that is not the JSON
 * the source file describes. Names source, account and the request (never credentials or tokens).
 */
public class PmsApiException extends RuntimeException {
    private final int status;

    public PmsApiException(String source, String account, String what, int status) {
        super("source '" + source + "', account '" + account + "': " + what);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean isAuthFailure() {
        return status == 401 || status == 403;
    }
}
