package dev.pmsconversations.exchange;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Every unit of work starts and ends with an empty {@link LogContext}: Quartz, timer, SEDA and HTTP threads are
 * pooled, and a context left on one by the previous exchange made its next lines name another account (a send for
 * one account logged under the account whose thread it had synced before). Applied to the routes that start work
 * (their consumer is not {@code direct:}); a {@code direct:} route runs inside its caller's unit of work and keeps
 * its context. The engine's steps still set the context where the work is about an account.
 */
public final class LogContextReset implements RoutePolicyFactory {
    private static final RoutePolicy RESET = new RoutePolicySupport() {
        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            if (startsWork(route)) {
                LogContext.clear();
            }
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            if (startsWork(route)) {
                LogContext.clear();
            }
        }
    };

    private static boolean startsWork(Route route) {
        return route.getEndpoint() != null && !route.getEndpoint().getEndpointUri().startsWith("direct:");
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
        return RESET;
    }
}
