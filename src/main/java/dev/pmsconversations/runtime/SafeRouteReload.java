package dev.pmsconversations.runtime;

import dev.pmsconversations.components.CamelComponents;
import dev.pmsconversations.components.RouteFileCheck;
import dev.pmsconversations.yaml.YamlFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev mode's route reload ({@code run --dev}): Camel's file watcher, made safe for a runtime that must keep running.
 * Only the saved file's routes are replaced (Camel's default removed every route, including those built in code, and
 * polling stopped). A saved file is first checked as validate checks it (YAML, components, languages) and parsed by
 * Camel's YAML DSL; a file with a problem is not reloaded: its previous routes keep running, and the log says why.
 * Routes already built from a reloaded template (each account's poll, each sink's delivery) keep running as built.
 */
final class SafeRouteReload extends RouteWatcherReloadStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(SafeRouteReload.class);

    SafeRouteReload(String directory, boolean recursive) {
        super(directory, recursive);
        setPattern("*.camel.yaml");
        setRemoveAllRoutes(false);
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        List<Resource> checked = new ArrayList<>();
        for (Resource resource : resources == null ? List.<Resource>of() : resources) {
            String problem = problem(resource);
            if (problem == null) {
                checked.add(resource);
            } else {
                LOG.error("{} was not reloaded, its previous routes keep running: {}", resource.getLocation(), problem);
            }
        }
        if (!checked.isEmpty()) {
            super.onRouteReload(checked, removeEverything);
            LOG.info("Reloaded {}", checked.stream().map(Resource::getLocation).toList());
        }
    }

    private String problem(Resource resource) {
        String location = resource.getLocation();
        Path file = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
        try {
            ClassLoader loader = getCamelContext().getApplicationContextClassLoader(); // with the plugins, when there are
            CamelComponents components = new CamelComponents(loader != null ? loader : SafeRouteReload.class.getClassLoader());
            List<YamlFileException> problems = RouteFileCheck.of(file, components).problems();
            if (!problems.isEmpty()) {
                return String.join("; ", problems.stream().map(Throwable::getMessage).toList());
            }
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(getCamelContext()).findRoutesBuilders(resource)) {
                if (builder instanceof RouteBuilder routes) {
                    routes.configureRoutes(getCamelContext()); // parses the file; adds nothing to the context
                }
            }
            return null;
        } catch (YamlFileException e) {
            return e.getMessage();
        } catch (Exception e) {
            return e.getMessage();
        }
    }
}
