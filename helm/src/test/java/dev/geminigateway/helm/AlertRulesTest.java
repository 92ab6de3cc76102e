package dev.geminigateway.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AlertRulesTest {

    private static final Set<String> EXPORTED = ExportedMetrics.fromStarterSources();

    private final RenderedChart chart = ChartTemplates.render(Map.of("metrics", Map.of("prometheusRule",
            Map.of("enabled", true, "labels", Map.of("release", "kube-prometheus-stack"), "headroomRatio", 0.1,
                    "headroomFor", "15m"))));

    @Test
    void theRuleHoldsAnActionableAlertForEachFailureTheConsoleShows() {
        JsonNode rule = chart.get("PrometheusRule", RenderedChart.FULLNAME);
        assertThat(rule.path("apiVersion").asString()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.path("metadata").path("labels").path("release").asString()).isEqualTo("kube-prometheus-stack");

        List<JsonNode> alerts = alerts(rule);
        assertThat(alerts).extracting(alert -> alert.path("alert").asString()).containsExactly(
                "GeminiGatewayGroupWithoutUsableKeys", "GeminiGatewayKeysQuarantined", "GeminiGatewayUpstream429RateHigh",
                "GeminiGatewayQuotaHeadroomLow", "GeminiGatewayRedisStoreDegraded");
        for (JsonNode alert : alerts) {
            assertThat(alert.path("expr").asString()).contains("namespace=\"gemini\"", "job=\"" + RenderedChart.FULLNAME + "\"");
            assertThat(alert.path("for").asString()).isNotBlank();
            assertThat(alert.path("labels").path("severity").asString()).isIn("warning", "critical");
            assertThat(alert.path("annotations").path("summary").asString()).isNotBlank();
            assertThat(alert.path("annotations").path("description").asString()).isNotBlank();
        }
        JsonNode headroom = alerts.get(3);
        assertThat(headroom.path("expr").asString()).contains("gemini_gateway_quota_headroom", "gemini_gateway_quota_limit",
                "< 0.1");
        assertThat(headroom.path("for").asString()).isEqualTo("15m");
        assertThat(headroom.path("annotations").path("summary").asString()).contains("under 10%");
    }

    @Test
    void everyMetricTheRulesAndTheDashboardUseIsOneTheGatewayExports() throws Exception {
        assertThat(EXPORTED).as("meter names read from the starter").contains("gemini_gateway_requests",
                "gemini_gateway_keys", "gemini_gateway_quota_headroom", "gemini_gateway_quota_limit");
        String rules = chart.get("PrometheusRule", RenderedChart.FULLNAME).toString();
        String dashboard = Files.readString(Path.of("gemini-gateway", "files", "dashboard.json"));
        Set<String> used = ExportedMetrics.usedIn(rules + dashboard);
        assertThat(used).contains("gemini_gateway_keys", "gemini_gateway_upstream_attempts_total",
                "gemini_gateway_quota_headroom", "gemini_gateway_quota_limit", "gemini_gateway_store_redis_connected",
                "gemini_gateway_store_redis_errors_total");
        assertThat(used).allSatisfy(name -> assertThat(ExportedMetrics.exported(name, EXPORTED))
                .as(name + " is registered by the gateway").isTrue());
        // the check can fail: a misspelt name is not exported
        assertThat(ExportedMetrics.exported("gemini_gateway_quota_headrom", EXPORTED)).isFalse();
    }

    @Test
    void theRuleIsOffByDefault() {
        assertThat(ChartTemplates.render().all("PrometheusRule")).isEmpty();
    }

    private static List<JsonNode> alerts(JsonNode rule) {
        List<JsonNode> alerts = new ArrayList<>();
        rule.path("spec").path("groups").forEach(group -> group.path("rules").forEach(alerts::add));
        return alerts;
    }
}
