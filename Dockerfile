# Multi-stage build: Maven builds the runnable jar, a JRE image runs it as a non-root user.
#   docker build -t pms-conversations .
#   docker run -p 8080:8080 -p 9876:9876 -v $PWD/config:/app/config -v pms-data:/app/data \
#     -e PMS_API_TOKEN=... pms-conversations run -c config/pms-conversations.yaml
# The config must bind api and management to 0.0.0.0 inside the container.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app pms && mkdir -p /app/data /app/out && chown -R pms /app
WORKDIR /app
COPY --from=build /src/target/pms-conversations.jar /app/pms-conversations.jar
COPY mappings /app/mappings
COPY routes /app/routes
COPY config /app/config
USER pms
EXPOSE 8080 9876
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/9876 && printf 'GET /observe/health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/pms-conversations.jar"]
CMD ["run", "-c", "config/pms-conversations.yaml"]
