package dev.pmsconversations.source;

/** A 2xx answer whose body is not what the source file describes. */
public final class MalformedPageException extends RuntimeException {
    MalformedPageException(String message) {
        super(message);
    }
}
