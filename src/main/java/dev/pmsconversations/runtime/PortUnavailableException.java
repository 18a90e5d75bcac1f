package dev.pmsconversations.runtime;

import java.util.Optional;

/** A server of the runtime cannot listen on its address; the message names the server, the host and the port. */
public final class PortUnavailableException extends RuntimeException {
    PortUnavailableException(String message) {
        super(message, null, false, false); // no stack trace: the message is the whole story, and Camel logs it once more
    }

    /** This exception in {@code e} or its causes (Camel may wrap what a start-up listener throws). */
    public static Optional<PortUnavailableException> in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PortUnavailableException p) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
