package dev.pmsconversations.cli;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * SIGTERM (systemctl stop, docker stop, kill) and SIGINT (Ctrl-C) start a graceful stop instead of ending the JVM.
 * A JVM that a signal ends exits 128 + the signal's number (143, 130) whatever its shutdown hooks do, so the signal
 * is taken here, before the JVM's own handler, and the command returns its exit code normally. The JDK has no public
 * API for signals; sun.misc.Signal (module jdk.unsupported) is the supported way on Java 17.
 */
final class StopSignals {
    private final AtomicReference<String> received = new AtomicReference<>();

    private StopSignals() {
    }

    /** Calls {@code stop} on the first SIGTERM or SIGINT; later ones change nothing (the stop is under way). */
    static StopSignals install(Runnable stop) {
        StopSignals signals = new StopSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    if (signals.received.compareAndSet(null, "SIG" + s.getName())) {
                        stop.run();
                    }
                });
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal (e.g. started with -Xrs): its default, an exit by signal, stays
            }
        }
        return signals;
    }

    /** The signal that stopped the runtime ({@code SIGTERM}), if one did. */
    Optional<String> received() {
        return Optional.ofNullable(received.get());
    }
}
