# syntax=docker/dockerfile:1
#
# Image of the sample gateway (sample-gateway/), the app the Helm chart in helm/gemini-gateway installs.
# It lives at the repository root because the build needs the whole Maven reactor (root pom, wrapper,
# starter and simulator modules), so the build context is the root anyway:
#
#   docker build -t gemini-gateway .
#   docker run --rm -p 4806:4806 -e GEMINI_API_KEYS=... -e GATEWAY_CLIENT_TOKENS=... gemini-gateway

# ---- build: compile with the Maven wrapper, then split the jar into Spring Boot's layers ----
FROM eclipse-temurin:17-jdk AS build
WORKDIR /workspace
COPY . .
# The cache mount keeps ~/.m2 (dependencies and the wrapper's Maven) between builds.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -pl sample-gateway -am package -DskipTests
# Spring Boot 4 tools jar mode: one directory per layer (dependencies, spring-boot-loader,
# snapshot-dependencies, application), each holding its part of the exploded jar plus the launcher.
RUN java -Djarmode=tools -jar sample-gateway/target/sample-gateway.jar \
        extract --layers --launcher --destination /workspace/extracted

# ---- run: JRE only, non-root, layers ordered from least to most often changed ----
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin gateway
WORKDIR /app
# Files stay owned by root: the app only reads them and writes nothing but /tmp.
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./
USER 10001:10001
# The load benchmarks' settings: a heap that starts small and grows, the serial collector (one or two CPUs), small
# stacks and code cache, few malloc arenas. The gateway runs one event loop per CPU of the container by itself.
ENV PORT=4806 \
    MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=12 -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError"
EXPOSE 4806
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
