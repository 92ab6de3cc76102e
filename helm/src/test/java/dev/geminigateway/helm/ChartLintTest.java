package dev.geminigateway.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

class ChartLintTest {

    @Test
    void strictLintPassesWithoutWarningsOrErrors() {
        LintResult result = new Helm(ChartTemplates.CHART).lint().strict().call();

        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void defaultRenderHoldsTheCoreObjectsAndNothingOptional() {
        RenderedChart chart = ChartTemplates.render();

        assertThat(chart.find("Deployment", RenderedChart.FULLNAME)).isPresent();
        assertThat(chart.find("Service", RenderedChart.FULLNAME)).isPresent();
        assertThat(chart.find("ConfigMap", RenderedChart.FULLNAME)).isPresent();
        assertThat(chart.find("Secret", RenderedChart.FULLNAME)).isPresent();
        assertThat(chart.find("ServiceAccount", RenderedChart.FULLNAME)).isPresent();
        assertThat(chart.all("HorizontalPodAutoscaler")).isEmpty();
        assertThat(chart.all("ServiceMonitor")).isEmpty();
        assertThat(chart.all("Ingress")).isEmpty();
        assertThat(chart.find("Deployment", RenderedChart.FULLNAME + "-redis")).isEmpty();
        assertThat(chart.gatewayDeployment().path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(chart.env()).doesNotContainKey("REDIS_URL");
    }

    @Test
    void serviceRoutesToTheNamedContainerPort() {
        RenderedChart chart = ChartTemplates.render();

        var port = chart.get("Service", RenderedChart.FULLNAME).path("spec").path("ports").path(0);
        assertThat(port.path("targetPort").asString()).isEqualTo("http");
        assertThat(chart.gatewayContainer().path("ports").path(0).path("name").asString()).isEqualTo("http");
        assertThat(chart.get("Service", RenderedChart.FULLNAME).path("spec").path("selector").path("app.kubernetes.io/component")
                .asString()).isEqualTo("gateway");
    }
}
