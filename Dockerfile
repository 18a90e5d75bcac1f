# pms-conversations: the runnable jar on a Java 17 JRE, run as a non-root user (uid 10001), with an AppCDS archive
# of the runtime's classes made at build time (start-up to ready in about 2 s instead of 3).
#   docker build -t pms-conversations .
#   podman build --format docker -t pms-conversations .     (docker format: an OCI image would drop the HEALTHCHECK)
#   docker run -d -p 8080:8080 -v "$PWD/my-config:/app/config:ro" -v pms-data:/app/data -v pms-out:/app/out \
#     -e PMS_API_TOKEN=... pms-conversations run -c config/pms-conversations.yaml
# The config must bind api.host (and management.host, if it is to be reached from outside) to 0.0.0.0 in a container.
# It uses RUN --mount (BuildKit, Docker's builder since 23.0; Podman/buildah). docs/operations.md "Containers" has the
# rest; scripts/container-test builds and checks this image.

# The bases. Defaults: the public images. Any image with a Java 17 JDK and Maven (build) or a Java 17 JRE, bash and
# useradd (runtime) will do: where Docker Hub cannot be reached, scripts/container-base makes both from Debian's
# packages and scripts/container-test passes them as --build-arg BUILD_IMAGE=… RUNTIME_IMAGE=….
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre
# Where the jar comes from:
#  JAR=build (the default): Maven builds it from source in the build stage. The local Maven repository is a cache
#    mount (--mount=type=cache, Docker BuildKit and Podman/buildah alike): the builder keeps it between builds, so only
#    the first build downloads the dependencies from Maven Central, and none of it ends up in an image layer.
#  JAR=prebuilt: target/pms-conversations.jar of the build context, built on the host (`mvn -B -q package -DskipTests`)
#    with the host's Maven repository. scripts/container-test, and so CI, uses this: CI's `mvn verify` has just made
#    that jar from the same tree, so building it again in here would cost another minute of CI and a JDK+Maven base
#    image for nothing. The build stage is then skipped (BuildKit and buildah build only the stages the image needs).
# (The default is written ${JAR:-build} below, not ARG JAR=build: buildah 1.28 would not see that the default needs
# the jar-build stage.)
ARG JAR

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml .
COPY src/main src/main
# the field-coverage matrix is a resource of the jar (the status page shows it)
COPY docs/coverage.md docs/coverage.md
RUN --mount=type=cache,id=pms-conversations-m2,target=/root/.m2/repository \
    mvn -B -q package -DskipTests -Dmaven.test.skip=true

# (the label lets a builder's prune find these stages' images too)
FROM scratch AS jar-build
LABEL org.opencontainers.image.title="pms-conversations"
COPY --from=build /src/target/pms-conversations.jar /pms-conversations.jar

FROM scratch AS jar-prebuilt
LABEL org.opencontainers.image.title="pms-conversations"
COPY target/pms-conversations.jar /pms-conversations.jar

FROM jar-${JAR:-build} AS jar

FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="pms-conversations" \
      org.opencontainers.image.description="Guest conversations from vacation-rental PMSs, unified, to your sinks (Apache Camel)"
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin pms \
 && mkdir -p /app/data /app/out && chown pms:pms /app/data /app/out
WORKDIR /app
COPY mappings /app/mappings
COPY routes /app/routes
COPY config /app/config
COPY --from=jar /pms-conversations.jar /app/pms-conversations.jar
# The AppCDS archive: one training run of the runtime against the bundled simulator (scripts/appcds-archive; about
# 20 s, redone only when the jar or the files above change). It fits this JVM and this jar only: an image with
# another JRE or jar needs it made again (a stale archive is ignored by the JVM, which then starts without it).
RUN --mount=type=bind,source=scripts/appcds-archive,target=/tmp/appcds-archive \
    bash /tmp/appcds-archive /app/pms-conversations.jar /app/pms-conversations.jsa
# numeric, so that a runtime checking runAsNonRoot can see it is not root
USER 10001:10001
EXPOSE 8080 9876
# The management port the HEALTHCHECK probes (/observe/health/ready): set HEALTHCHECK_PORT when the config's
# management.port is not 9876. bash's /dev/tcp: the image needs no curl.
ENV HEALTHCHECK_PORT=9876
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HEALTHCHECK_PORT} && printf 'GET /observe/health/ready HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
# SIGTERM (docker stop, podman stop, Kubernetes) stops the runtime gracefully; more JVM options: JAVA_TOOL_OPTIONS
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/pms-conversations.jsa", "-XX:MaxRAMPercentage=75", "-jar", "/app/pms-conversations.jar"]
CMD ["run", "-c", "config/pms-conversations.yaml"]
