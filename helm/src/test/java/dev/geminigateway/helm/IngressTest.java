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
}
