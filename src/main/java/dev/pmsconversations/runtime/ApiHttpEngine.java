package dev.pmsconversations.runtime;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * platform-http's Vert.x engine, told the API's port. Camel's engine finds its server's port by looking for the
 * one server in the registry; with the management server on as well there are two, it falls back to 8080 and the
 * API routes fail to start ("No bean … platform-http-router-8080") unless the API happens to listen on 8080. The
 * configured port is the answer even when it is 0: camel-main registers the API's router under that name.
 */
final class ApiHttpEngine extends VertxPlatformHttpEngine {
    private final int apiPort;

    ApiHttpEngine(int apiPort) {
        this.apiPort = apiPort;
    }

    @Override
    public int getServerPort() {
        return apiPort;
    }
}
