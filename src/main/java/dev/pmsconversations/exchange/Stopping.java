package dev.pmsconversations.exchange;

import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;

/**
 * Whether the runtime is stopping (or has stopped): the one test behind every "cut off by a stop" — permit waits end,
 * a listing ends early, a failed poll is handed back to the next one instead of being reported as a failure.
 */
public final class Stopping {
    private Stopping() {
    }

    public static boolean now(CamelContext context) {
        return context.isStopping() || context.isStopped();
    }

    /** The same test, asked later (by code that does not know the Camel context). */
    public static BooleanSupplier of(CamelContext context) {
        return () -> now(context);
    }
}
