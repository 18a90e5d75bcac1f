package dev.pmsconversations.runtime;

import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.TCPServerBase;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.Ordered;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/**
 * Fails the start when the API or the management server is not listening. camel-main's Vert.x servers do not fail
 * their start when their port is taken: the bind error is thrown inside Vert.x's listen callback, where it is only
 * logged, and the runtime would run on (and report ready) without the server. This listener runs once Camel's
 * services (the servers among them) have started and before any route starts, so nothing is polled either.
 */
public final class ListeningServers implements StartupListener, Ordered {
    private volatile String api;
    private volatile String management;

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        MainHttpServer apiServer = context.hasService(MainHttpServer.class);
        ManagementHttpServer managementServer = context.hasService(ManagementHttpServer.class);
        api = apiServer == null ? null : address("API", apiServer.getRouter() == null ? null : apiServer.getRouter().getServer(),
                apiServer.getHost(), apiServer.getPort());
        management = managementServer == null ? null : address("management",
                managementServer.getRouter() == null ? null : managementServer.getRouter().getServer(),
                managementServer.getHost(), managementServer.getPort());
    }

    /** Before any route or scheduler starts (Quartz starts its scheduler from a start-up listener too). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST;
    }

    /** The API's address as it listens ({@code http://127.0.0.1:8080}, the real port when 0 was configured). */
    public Optional<String> api() {
        return Optional.ofNullable(api);
    }

    public Optional<String> management() {
        return Optional.ofNullable(management);
    }

    private static String address(String name, VertxPlatformHttpServer server, String host, int port) {
        HttpServer http = server == null ? null : server.getServer();
        if (!listening(http)) {
            // the cause Vert.x saw is not kept: binding the address once more tells it (if it is still taken)
            String reason = PortProbe.bindProblem(host, port).orElse("the address could not be bound");
            throw new PortUnavailableException(PortProbe.cannotListen(name, host, port, reason));
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + http.actualPort();
    }

    /**
     * Vert.x's HttpServer has no public "is listening"; its implementation's flag is read (an internal class: a Vert.x
     * upgrade that drops it breaks the build, not silently the check).
     */
    private static boolean listening(HttpServer http) {
        return http instanceof TCPServerBase tcp && tcp.isListening();
    }
}
