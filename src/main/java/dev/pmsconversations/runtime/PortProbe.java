package dev.pmsconversations.runtime;

import dev.pmsconversations.config.RuntimeConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Whether the runtime's servers can listen on their configured addresses, and the message when one cannot. */
public final class PortProbe {
    private PortProbe() {
    }

    /** Why {@code host:port} cannot be bound now (e.g. "address already in use"), or empty when it can; port 0 always can. */
    public static Optional<String> bindProblem(String host, int port) {
        if (port == 0) {
            return Optional.empty();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as Vert.x binds: a port with connections in TIME_WAIT is free
            socket.bind(new InetSocketAddress(host, port));
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(reason(e));
        }
    }

    /** The one-line message: {@code the API server cannot listen on 127.0.0.1:8080: address already in use}. */
    public static String cannotListen(String server, String host, int port, String reason) {
        return "the " + server + " server cannot listen on " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + ": " + reason;
    }

    /** One message per configured server (API, management) whose address cannot be bound now. */
    public static List<String> takenPorts(RuntimeConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.api().enabled()) {
            bindProblem(config.api().host(), config.api().port())
                    .ifPresent(r -> problems.add(cannotListen("API", config.api().host(), config.api().port(), r)));
        }
        if (config.management().enabled()) {
            bindProblem(config.management().host(), config.management().port())
                    .ifPresent(r -> problems.add(cannotListen("management", config.management().host(), config.management().port(), r)));
        }
        return problems;
    }

    /** "Address already in use" → "address already in use"; an exception without a message by its kind. */
    static String reason(Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }
}
