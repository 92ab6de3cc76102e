package dev.geminigateway.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class IngressTest {

    @Test
    void ingressRoutesEveryHostPathToTheGatewayService() {
        RenderedChart chart = ChartTemplates.render(Map.of("ingress", Map.of(
                "enabled", true,
                "className", "nginx",
                "hosts", List.of(Map.of("host", "gemini.example.com",
                        "paths", List.of(Map.of("path", "/", "pathType", "Prefix")))),
                "tls", List.of(Map.of("secretName", "gemini-tls", "hosts", List.of("gemini.example.com"))))));

        JsonNode spec = chart.get("Ingress", RenderedChart.FULLNAME).path("spec");
        assertThat(spec.path("ingressClassName").asString()).isEqualTo("nginx");
        assertThat(spec.path("tls").path(0).path("secretName").asString()).isEqualTo("gemini-tls");
        JsonNode rule = spec.path("rules").path(0);
        assertThat(rule.path("host").asString()).isEqualTo("gemini.example.com");
        JsonNode backend = rule.path("http").path("paths").path(0).path("backend").path("service");
        assertThat(backend.path("name").asString()).isEqualTo(RenderedChart.FULLNAME);
        assertThat(backend.path("port").path("name").asString()).isEqualTo("http");
        assertThat(chart.find("Service", backend.path("name").asString())).isPresent();
    }

    @Test
    void byDefaultOnlyTheApiPathsAreExposed() {
        RenderedChart chart = ChartTemplates.render(Map.of("ingress", Map.of("enabled", true)));

        assertThat(paths(chart)).containsExactly("/v1", "/v1beta", "/v1alpha", "/upload");
        JsonNode first = chart.get("Ingress", RenderedChart.FULLNAME).path("spec").path("rules").path(0)
                .path("http").path("paths").path(0);
        assertThat(first.path("pathType").asString()).isEqualTo("Prefix");
        assertThat(first.path("backend").path("service").path("name").asString()).isEqualTo(RenderedChart.FULLNAME);
    }

    @Test
    void operatorPathsAreOptInOneByOne() {
        RenderedChart admin = ChartTemplates.render(Map.of("ingress", Map.of("enabled", true,
                "expose", Map.of("admin", true))));
        assertThat(paths(admin)).containsExactly("/v1", "/v1beta", "/v1alpha", "/upload", "/admin", "/webjars",
                "/actuator/geminikeys", "/actuator/geminiconsole");

        RenderedChart all = ChartTemplates.render(Map.of("ingress", Map.of("enabled", true,
                "expose", Map.of("admin", true, "actuator", true, "health", true, "metrics", true))));
        assertThat(paths(all)).containsExactly("/v1", "/v1beta", "/v1alpha", "/upload", "/admin", "/webjars", "/actuator", "/health",
                "/metrics");
    }

    @Test
    void trustedProxiesBecomeTheStartersPropertyAndAreUnsetByDefault() {
        assertThat(ChartTemplates.render().env()).doesNotContainKey("GEMINI_GATEWAY_CLIENT_AUTH_TRUSTED_PROXIES");

        RenderedChart chart = ChartTemplates.render(Map.of("trustedProxies", List.of("10.0.0.0/8", "fd00::/8")));
        assertThat(chart.env().get("GEMINI_GATEWAY_CLIENT_AUTH_TRUSTED_PROXIES").path("value").asString())
                .isEqualTo("10.0.0.0/8,fd00::/8");
    }

    private static List<String> paths(RenderedChart chart) {
        List<String> paths = new java.util.ArrayList<>();
        chart.get("Ingress", RenderedChart.FULLNAME).path("spec").path("rules").path(0).path("http").path("paths")
                .forEach(path -> paths.add(path.path("path").asString()));
        return paths;
    }
}
