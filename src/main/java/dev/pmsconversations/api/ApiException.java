package dev.pmsconversations.api;

/**
 * An HTTP error answered with the spec's envelope {@code {"success": false, "error": {code, message}}}.
 * Messages name the field or the account, never a secret.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BAD_REQUEST", message);
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(422, "VALIDATION_ERROR", "'" + field + "': " + message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", message);
    }
}
