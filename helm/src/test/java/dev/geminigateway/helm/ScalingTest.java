package dev.geminigateway.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ScalingTest {

    private static final String NEEDS_REDIS = "needs a shared key-state store";

    @Test
    void severalReplicasWithoutRedisFailTheRender() {
        assertThatThrownBy(() -> ChartTemplates.render(Map.of("replicaCount", 2)))
                .hasMessageContaining(NEEDS_REDIS)
                .hasMessageContaining("redis.bundled.enabled");
    }

    @Test
    void autoscalingWithoutRedisFailsTheRender() {
        assertThatThrownBy(() -> ChartTemplates.render(Map.of("autoscaling", Map.of("enabled", true))))
                .hasMessageContaining(NEEDS_REDIS);
    }

    @Test
    void severalReplicasWithAnExternalRedisUrlRender() {
        RenderedChart chart = ChartTemplates.render(Map.of("replicaCount", 3, "redis", Map.of("url", "redis://redis.cache:6379")));

        assertThat(chart.gatewayDeployment().path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(chart.env().get("REDIS_URL").path("value").asString()).isEqualTo("redis://redis.cache:6379");
        assertThat(chart.find("Deployment", RenderedChart.FULLNAME + "-redis")).isEmpty();
    }

    @Test
    void twoRedisChoicesAtOnceFailTheRender() {
        assertThatThrownBy(() -> ChartTemplates.render(Map.of("redis",
                Map.of("url", "redis://redis.cache:6379", "bundled", Map.of("enabled", true)))))
                .hasMessageContaining("choose one Redis");
    }

    @Test
    void bundledRedisIsDeployedLockedDownAndWiredIntoRedisUrl() {
        RenderedChart chart = ChartTemplates.render(ChartTemplates.resource("values/redis-hpa-monitoring.yaml"));
        String redisName = RenderedChart.FULLNAME + "-redis";

        JsonNode redisService = chart.get("Service", redisName);
        int port = redisService.path("spec").path("ports").path(0).path("port").asInt();
        assertThat(chart.env().get("REDIS_URL").path("value").asString()).isEqualTo("redis://" + redisName + ":" + port);

        JsonNode redisPod = chart.get("Deployment", redisName).path("spec").path("template").path("spec");
        JsonNode redis = redisPod.path("containers").path(0);
        assertThat(redis.path("image").asString()).startsWith("redis:");
        assertThat(redisPod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(redis.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(redis.path("securityContext").path("capabilities").path("drop")).extracting(JsonNode::asString).containsExactly("ALL");
        // the gateway's Service must not select the Redis pod, nor Redis's the gateway
        assertThat(redisService.path("spec").path("selector").path("app.kubernetes.io/component").asString()).isEqualTo("redis");

        JsonNode policy = chart.get("NetworkPolicy", redisName).path("spec");
        assertThat(policy.path("ingress").path(0).path("from").path(0).path("podSelector").path("matchLabels")
                .path("app.kubernetes.io/component").asString()).isEqualTo("gateway");
    }

    @Test
    void autoscalingRendersAnHpaAndLeavesReplicasToIt() {
        RenderedChart chart = ChartTemplates.render(ChartTemplates.resource("values/redis-hpa-monitoring.yaml"));

        JsonNode hpa = chart.get("HorizontalPodAutoscaler", RenderedChart.FULLNAME);
        assertThat(hpa.path("apiVersion").asString()).isEqualTo("autoscaling/v2");
        assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asString()).isEqualTo(RenderedChart.FULLNAME);
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(2);
        assertThat(hpa.path("spec").path("maxReplicas").asInt()).isEqualTo(5);
        assertThat(hpa.path("spec").path("metrics")).extracting(m -> m.path("resource").path("name").asString())
                .containsExactly("cpu", "memory");
        assertThat(chart.gatewayDeployment().path("spec").has("replicas")).as("replicas fight the HPA").isFalse();
    }

    @Test
    void pdbFollowsItsSwitchAndSettings() {
        JsonNode byDefault = ChartTemplates.render().get("PodDisruptionBudget", RenderedChart.FULLNAME);
        assertThat(byDefault.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);

        JsonNode configured = ChartTemplates.render(ChartTemplates.resource("values/redis-hpa-monitoring.yaml"))
                .get("PodDisruptionBudget", RenderedChart.FULLNAME);
        assertThat(configured.path("spec").path("minAvailable").asInt()).isEqualTo(1);
        assertThat(configured.path("spec").has("maxUnavailable")).isFalse();
        assertThat(configured.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/component").asString())
                .isEqualTo("gateway");

        RenderedChart disabled = ChartTemplates.render(Map.of("podDisruptionBudget", Map.of("enabled", false)));
        assertThat(disabled.all("PodDisruptionBudget")).isEmpty();
    }
}
