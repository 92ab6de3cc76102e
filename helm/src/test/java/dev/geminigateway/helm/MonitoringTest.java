package dev.geminigateway.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MonitoringTest {

    private final RenderedChart chart = ChartTemplates.render(ChartTemplates.resource("values/redis-hpa-monitoring.yaml"));

    @Test
    void serviceMonitorScrapesThePrometheusEndpointOfTheGatewayService() {
        JsonNode monitor = chart.get("ServiceMonitor", RenderedChart.FULLNAME);

        assertThat(monitor.path("apiVersion").asString()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.path("metadata").path("labels").path("release").asString()).isEqualTo("kube-prometheus-stack");
        JsonNode endpoint = monitor.path("spec").path("endpoints").path(0);
        assertThat(endpoint.path("path").asString()).isEqualTo("/actuator/prometheus");
        assertThat(endpoint.path("port").asString()).isEqualTo("http");
        assertThat(endpoint.path("interval").asString()).isEqualTo("15s");
        JsonNode gatewayServiceLabels = chart.get("Service", RenderedChart.FULLNAME).path("metadata").path("labels");
        monitor.path("spec").path("selector").path("matchLabels").properties().forEach(label ->
                assertThat(gatewayServiceLabels.path(label.getKey()).asString()).isEqualTo(label.getValue().asString()));
    }

    @Test
    void grafanaDashboardIsASidecarConfigMapOverGatewayMetrics() {
        JsonNode configMap = chart.get("ConfigMap", RenderedChart.FULLNAME + "-dashboard");

        assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asString()).isEqualTo("1");
        assertThat(configMap.path("metadata").path("namespace").asString()).isEqualTo("monitoring");
        JsonNode dashboard = JsonMapper.builder().build().readTree(configMap.path("data").path("gemini-gateway.json").asString());
        assertThat(dashboard.path("uid").asString()).isEqualTo("gemini-gateway");

        List<String> expressions = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(t -> expressions.add(t.path("expr").asString())));
        assertThat(expressions).isNotEmpty().allSatisfy(expr -> assertThat(expr).contains("gemini_gateway_"));
        assertThat(String.join("\n", expressions))
                .contains("gemini_gateway_requests_total").contains("by (status)")
                .contains("gemini_gateway_upstream_attempts_total").contains("by (outcome)")
                .contains("gemini_gateway_keys").contains("by (state)")
                .contains("gemini_gateway_request_duration_seconds");
    }

    @Test
    void monitoringObjectsAreOffByDefault() {
        RenderedChart defaults = ChartTemplates.render();

        assertThat(defaults.all("ServiceMonitor")).isEmpty();
        assertThat(defaults.find("ConfigMap", RenderedChart.FULLNAME + "-dashboard")).isEmpty();
    }
}
