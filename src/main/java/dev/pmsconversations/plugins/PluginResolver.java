package dev.pmsconversations.plugins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * Resolves an artifact and its runtime dependencies with Maven's own resolver: from the local repository Maven uses
 * ({@code ~/.m2/repository}), then from a remote one (Maven Central by default).
 */
public final class PluginResolver {
    public static final String CENTRAL = "https://repo.maven.apache.org/maven2/";
    private final Path localRepository;
    private final String remote;

    public PluginResolver(Path localRepository, String remote) {
        this.localRepository = localRepository;
        this.remote = remote;
    }

    /** The local repository Maven uses: {@code maven.repo.local}, else {@code ~/.m2/repository}. */
    public static Path mavensLocalRepository() {
        String set = System.getProperty("maven.repo.local");
        return set != null ? Path.of(set) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The artifact ({@code group:artifact:version}) and every jar it needs at run time, each a file in the local repository. */
    public List<Artifact> resolve(String coordinates) {
        RepositorySystem system = new RepositorySystemSupplier().get();
        // Maven 3's session rules: test, provided and optional dependencies of dependencies left out, nearest version wins
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(localRepository)
                .setSystemProperties(System.getProperties())
                .build()) {
            // id "central", as Maven names it: the local repository then counts what Maven fetched as available
            RemoteRepository repository = new RemoteRepository.Builder("central", "default", remote).build();
            CollectRequest collect = new CollectRequest(new Dependency(new DefaultArtifact(coordinates), JavaScopes.RUNTIME),
                    List.of(repository));
            DependencyRequest request = new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            List<Artifact> out = new ArrayList<>();
            for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults()) {
                out.add(r.getArtifact());
            }
            return out;
        } catch (DependencyResolutionException e) {
            throw new IllegalArgumentException("cannot resolve " + coordinates + " from " + remote + " (local repository "
                    + localRepository + "): " + e.getMessage(), e);
        } finally {
            system.shutdown();
        }
    }
}
