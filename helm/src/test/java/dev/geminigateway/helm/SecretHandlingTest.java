package dev.geminigateway.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SecretHandlingTest {

    private static final List<String> SECRETS = List.of(
            "test-gemini-key-alpha", "test-gemini-key-bravo", "test-client-token-one", "test-admin-token");

    @Test
    void keysAndTokensReachThePodOnlyThroughSecretKeyRefs() {
        RenderedChart chart = ChartTemplates.render(ChartTemplates.resource("values/redis-hpa-monitoring.yaml"));
        Map<String, JsonNode> env = chart.env();

        assertSecretRef(env.get("GEMINI_API_KEYS"), RenderedChart.FULLNAME, "GEMINI_API_KEYS");
        assertSecretRef(env.get("GATEWAY_CLIENT_TOKENS"), RenderedChart.FULLNAME, "GATEWAY_CLIENT_TOKENS");
        assertSecretRef(env.get("GATEWAY_ADMIN_TOKEN"), RenderedChart.FULLNAME, "GATEWAY_ADMIN_TOKEN");
        assertThat(env.get("GEMINI_API_KEYS").path("valueFrom").path("secretKeyRef").path("optional").asBoolean(false))
                .as("a pod without Gemini keys should not start").isFalse();
    }

    @Test
    void theChartSecretHoldsTheValuesAndNothingElseShowsThemInPlainText() {
        RenderedChart chart = ChartTemplates.render(ChartTemplates.resource("values/redis-hpa-monitoring.yaml"));

        JsonNode data = chart.get("Secret", RenderedChart.FULLNAME).path("data");
        assertThat(decode(data.path("GEMINI_API_KEYS"))).isEqualTo("test-gemini-key-alpha,test-gemini-key-bravo");
        assertThat(decode(data.path("GATEWAY_CLIENT_TOKENS"))).isEqualTo("test-client-token-one,test-client-token-two");
        assertThat(decode(data.path("GATEWAY_ADMIN_TOKEN"))).isEqualTo("test-admin-token");
        // Secret data is base64, so the plain values appear nowhere in the render: not in a ConfigMap, env value or annotation
        assertThat(chart.yaml()).doesNotContain(SECRETS);
    }

    @Test
    void noConfigMapCarriesAKeyOrToken() {
        RenderedChart chart = ChartTemplates.render(ChartTemplates.resource("values/redis-hpa-monitoring.yaml"));

        assertThat(chart.all("ConfigMap")).hasSizeGreaterThanOrEqualTo(2).allSatisfy(configMap ->
                configMap.path("data").properties().forEach(entry ->
                        assertThat(entry.getValue().asString()).as(entry.getKey()).doesNotContain(SECRETS)));
    }

    @Test
    void existingSecretReplacesTheChartSecretWithConfigurableKeyNames() {
        RenderedChart chart = ChartTemplates.render(ChartTemplates.resource("values/existing-secret.yaml"));
        Map<String, JsonNode> env = chart.env();

        assertThat(chart.all("Secret")).isEmpty();
        assertSecretRef(env.get("GEMINI_API_KEYS"), "team-gemini-keys", "gemini-keys");
        assertSecretRef(env.get("GATEWAY_CLIENT_TOKENS"), "team-gemini-keys", "client-tokens");
        assertSecretRef(env.get("GATEWAY_ADMIN_TOKEN"), "team-gemini-keys", "admin-token");
        assertSecretRef(env.get("REDIS_URL"), "team-redis", "url");
        // nothing in the chart can see a change of an external Secret, so no misleading checksum either
        assertThat(chart.podAnnotation("checksum/secret")).isNull();
        assertThat(chart.podAnnotation("checksum/config")).isNotNull();
    }

    private static void assertSecretRef(JsonNode envEntry, String secret, String key) {
        assertThat(envEntry).as("env entry").isNotNull();
        assertThat(envEntry.has("value")).as("%s has a literal value", envEntry.path("name").asString()).isFalse();
        JsonNode ref = envEntry.path("valueFrom").path("secretKeyRef");
        assertThat(ref.path("name").asString()).isEqualTo(secret);
        assertThat(ref.path("key").asString()).isEqualTo(key);
    }

    private static String decode(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asString()), StandardCharsets.UTF_8);
    }
}
