package dev.geminigateway.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class DeploymentTest {

    private final RenderedChart chart = ChartTemplates.render();

    @Test
    void probesUseTheAppsActuatorGroupsOnPort4806() {
        JsonNode container = chart.gatewayContainer();

        assertThat(container.path("ports").path(0).path("containerPort").asInt()).isEqualTo(4806);
        assertThat(chart.env().get("PORT").path("value").asString()).isEqualTo("4806");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asString())
                .isEqualTo("/actuator/health/liveness");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asString())
                .isEqualTo("/actuator/health/readiness");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asString())
                .isEqualTo("/actuator/health/liveness");
        for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
            assertThat(container.path(probe).path("httpGet").path("port").asString()).as(probe).isEqualTo("http");
        }
        assertThat(chart.env().get("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED").path("value").asString()).isEqualTo("true");
    }

    @Test
    void runsAsNonRootOnAReadOnlyRootWithNoCapabilities() {
        JsonNode pod = chart.podSpec().path("securityContext");
        JsonNode container = chart.gatewayContainer().path("securityContext");

        assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("runAsUser").asInt()).isEqualTo(10001);
        assertThat(pod.path("seccompProfile").path("type").asString()).isEqualTo("RuntimeDefault");
        assertThat(container.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(container.path("capabilities").path("drop")).extracting(JsonNode::asString).containsExactly("ALL");
        assertThat(chart.podSpec().path("automountServiceAccountToken").asBoolean(true)).isFalse();
    }

    @Test
    void writableTmpAndConfigOverridesAreMounted() {
        Map<String, String> mounts = new java.util.HashMap<>();
        chart.gatewayContainer().path("volumeMounts")
                .forEach(m -> mounts.put(m.path("name").asString(), m.path("mountPath").asString()));

        assertThat(mounts).containsEntry("tmp", "/tmp").containsEntry("config", "/config");
        assertThat(chart.podSpec().path("volumes")).anySatisfy(v -> {
            assertThat(v.path("name").asString()).isEqualTo("tmp");
            assertThat(v.has("emptyDir")).isTrue();
        });
        assertThat(chart.env().get("SPRING_CONFIG_ADDITIONAL_LOCATION").path("value").asString())
                .isEqualTo("optional:file:/config/");
    }

    @Test
    void resourcesAndJvmFlagsFitA256mHeap() {
        JsonNode resources = chart.gatewayContainer().path("resources");

        assertThat(resources.path("limits").path("memory").asString()).isEqualTo("512Mi");
        assertThat(resources.path("requests").path("memory").asString()).isEqualTo("512Mi");
        assertThat(resources.path("requests").path("cpu").asString()).isNotBlank();
        assertThat(chart.env().get("JAVA_TOOL_OPTIONS").path("value").asString()).contains("-XX:MaxRAMPercentage=50");
    }

    @Test
    void oneEventLoopPerCpuOfTheLimit() {
        String defaults = chart.env().get("JAVA_TOOL_OPTIONS").path("value").asString();
        JsonNode resources = chart.gatewayContainer().path("resources");
        assertThat(defaults).contains("-Dreactor.netty.ioWorkerCount=1").contains("-XX:+UseSerialGC");
        assertThat(resources.path("requests").path("cpu").asString()).isEqualTo(resources.path("limits").path("cpu").asString());

        assertThat(eventLoopFlag(Map.of("resources", Map.of("limits", Map.of("cpu", 2, "memory", "1Gi")))))
                .contains("-Dreactor.netty.ioWorkerCount=2");
        assertThat(eventLoopFlag(Map.of("resources", Map.of("limits", Map.of("cpu", "2500m", "memory", "1Gi")))))
                .contains("-Dreactor.netty.ioWorkerCount=3");
        assertThat(eventLoopFlag(Map.of("resources", Map.of("limits", Map.of("cpu", "500m", "memory", "1Gi")))))
                .contains("-Dreactor.netty.ioWorkerCount=1");
        assertThat(chart.env().get("MALLOC_ARENA_MAX").path("value").asString()).isEqualTo("2");
    }

    private static String eventLoopFlag(Map<String, ?> values) {
        return ChartTemplates.render(values).env().get("JAVA_TOOL_OPTIONS").path("value").asString();
    }

    @Test
    void terminationGraceOutlastsPreStopAndSpringsShutdownBound() {
        int grace = chart.podSpec().path("terminationGracePeriodSeconds").asInt();

        assertThat(chart.env().get("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE").path("value").asString()).isEqualTo("30s");
        assertThat(chart.env().get("SERVER_SHUTDOWN").path("value").asString()).isEqualTo("graceful");
        assertThat(chart.gatewayContainer().path("lifecycle").path("preStop").path("exec").path("command"))
                .extracting(JsonNode::asString).containsExactly("sleep", "5");
        assertThat(grace).isGreaterThan(5 + 30);

        RenderedChart longer = ChartTemplates.render(Map.of("shutdown", Map.of("timeoutSeconds", 120)));
        assertThat(longer.podSpec().path("terminationGracePeriodSeconds").asInt()).isGreaterThan(5 + 120);
    }

    @Test
    void tooShortAnExplicitGracePeriodFailsTheRender() {
        assertThatThrownBy(() -> ChartTemplates.render(Map.of("shutdown", Map.of("terminationGracePeriodSeconds", 20))))
                .hasMessageContaining("terminationGracePeriodSeconds (20) must exceed");
    }

    @Test
    void configChangeChangesOnlyTheConfigChecksum() {
        RenderedChart before = ChartTemplates.render(Map.of("gateway", Map.of("config", Map.of("logging", Map.of("level", Map.of("root", "INFO"))))));
        RenderedChart after = ChartTemplates.render(Map.of("gateway", Map.of("config", Map.of("logging", Map.of("level", Map.of("root", "DEBUG"))))));

        assertThat(before.podAnnotation("checksum/config")).matches("[0-9a-f]{64}");
        assertThat(after.podAnnotation("checksum/config")).isNotEqualTo(before.podAnnotation("checksum/config"));
        assertThat(after.podAnnotation("checksum/secret")).isEqualTo(before.podAnnotation("checksum/secret"));
    }

    @Test
    void secretChangeChangesTheSecretChecksum() {
        RenderedChart before = ChartTemplates.render(Map.of("secrets", Map.of("values", Map.of("geminiApiKeys", "test-key-1"))));
        RenderedChart after = ChartTemplates.render(Map.of("secrets", Map.of("values", Map.of("geminiApiKeys", "test-key-1,test-key-2"))));

        assertThat(before.podAnnotation("checksum/secret")).matches("[0-9a-f]{64}");
        assertThat(after.podAnnotation("checksum/secret")).isNotEqualTo(before.podAnnotation("checksum/secret"));
        assertThat(after.podAnnotation("checksum/config")).isEqualTo(before.podAnnotation("checksum/config"));
    }

    @Test
    void configOverridesLandInApplicationYml() {
        RenderedChart chart = ChartTemplates.render(ChartTemplates.resource("values/redis-hpa-monitoring.yaml"));

        String applicationYml = chart.get("ConfigMap", RenderedChart.FULLNAME).path("data").path("application.yml").asString();
        assertThat(applicationYml).contains("gemini-2.5-flash:").contains("rpm: 10");
    }

    @Test
    void schemaRejectsAMalformedRedisUrl() {
        assertThatThrownBy(() -> ChartTemplates.render(Map.of("redis", Map.of("url", "http://redis:6379"))))
                .hasMessageContaining("schema")
                .hasMessageContaining("/redis/url");
    }

    @Test
    void tierAndClientLimitsAreSetOnlyWhenChosen() {
        assertThat(chart.env()).doesNotContainKeys("GEMINI_TIER", "GATEWAY_CLIENT_RPM", "GATEWAY_CLIENT_RPD",
                "GATEWAY_CLIENT_TPM");

        RenderedChart chosen = ChartTemplates.render(Map.of("gateway", Map.of("tier", "tier1", "clientLimits",
                Map.of("requestsPerMinute", 600, "requestsPerDay", 100000, "tokensPerMinute", 2000000))));
        assertThat(chosen.env().get("GEMINI_TIER").path("value").asString()).isEqualTo("tier1");
        assertThat(chosen.env().get("GATEWAY_CLIENT_RPM").path("value").asString()).isEqualTo("600");
        assertThat(chosen.env().get("GATEWAY_CLIENT_RPD").path("value").asString()).isEqualTo("100000");
        assertThat(chosen.env().get("GATEWAY_CLIENT_TPM").path("value").asString()).isEqualTo("2000000");
    }

    @Test
    void schemaRejectsAnUnknownTierAndANegativeLimit() {
        assertThatThrownBy(() -> ChartTemplates.render(Map.of("gateway", Map.of("tier", "gold"))))
                .hasMessageContaining("schema").hasMessageContaining("/gateway/tier");
        assertThatThrownBy(() -> ChartTemplates.render(Map.of("gateway", Map.of("clientLimits",
                Map.of("requestsPerMinute", -1))))).hasMessageContaining("schema")
                .hasMessageContaining("/gateway/clientLimits/requestsPerMinute");
    }

    @Test
    void theProxyUrlComesFromTheSecretNeverFromThePodSpec() {
        String proxy = "http://egress-user:egress-pass@proxy.corp:3128";
        RenderedChart made = ChartTemplates.render(Map.of("secrets", Map.of("values", Map.of("proxyUrl", proxy))));
        JsonNode reference = made.env().get("GEMINI_PROXY_URL").path("valueFrom").path("secretKeyRef");
        assertThat(reference.path("name").asString()).isEqualTo(RenderedChart.FULLNAME);
        assertThat(reference.path("key").asString()).isEqualTo("GEMINI_PROXY_URL");
        assertThat(made.get("Secret", RenderedChart.FULLNAME).path("data").path("GEMINI_PROXY_URL").asString())
                .isEqualTo(java.util.Base64.getEncoder().encodeToString(proxy.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(made.get("Deployment", RenderedChart.FULLNAME).toString()).doesNotContain("egress-pass");

        RenderedChart existing = ChartTemplates.render(Map.of("secrets", Map.of("existingSecret", "gateway-secrets",
                "keys", Map.of("proxyUrl", "corp-proxy"))));
        JsonNode fromExisting = existing.env().get("GEMINI_PROXY_URL").path("valueFrom").path("secretKeyRef");
        assertThat(fromExisting.path("name").asString()).isEqualTo("gateway-secrets");
        assertThat(fromExisting.path("key").asString()).isEqualTo("corp-proxy");
        assertThat(fromExisting.path("optional").asBoolean()).isTrue();

        assertThatThrownBy(() -> ChartTemplates.render(Map.of("secrets", Map.of("values",
                Map.of("proxyUrl", "proxy.corp:3128"))))).hasMessageContaining("schema")
                .hasMessageContaining("/secrets/values/proxyUrl");
    }

    @Test
    void everyVariableOfTheReadmesTableCanBeSetThroughTheChart() throws java.io.IOException {
        // the sample gateway's short variables, as the README's configuration table lists them
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("^\\| `([A-Z][A-Z0-9_]+)` \\| `[a-z]");
        java.util.List<String> variables = java.nio.file.Files.readAllLines(java.nio.file.Path.of("..", "README.md")).stream()
                .map(row::matcher).filter(java.util.regex.Matcher::find).map(matcher -> matcher.group(1)).toList();
        assertThat(variables).contains("GEMINI_API_KEYS", "GEMINI_TIER", "GEMINI_PROXY_URL", "GATEWAY_CLIENT_TPM");

        RenderedChart everything = ChartTemplates.render(Map.of("redis", Map.of("url", "redis://redis.cache:6379"),
                "gateway", Map.of("tier", "free", "clientLimits",
                        Map.of("requestsPerMinute", 1, "requestsPerDay", 1, "tokensPerMinute", 1))));
        assertThat(everything.env()).containsKeys(variables.toArray(String[]::new));
    }
}
