package dev.geminigateway.sample.setup;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayEnvironmentVariablesTest {

    @Test
    void onlySetVariablesBecomeProperties() {
        Map<String, String> variables = Map.of("GEMINI_API_KEYS", " k1,k2@project-b ", "REDIS_URL", "redis://r:6379",
                "GATEWAY_ADMIN_TOKEN", "  ", "UNRELATED", "x");

        assertThat(GatewayEnvironmentVariables.propertiesFrom(variables::get)).containsExactly(
                Map.entry("gemini.gateway.groups.default.keys", "k1,k2@project-b"),
                Map.entry("spring.data.redis.url", "redis://r:6379"));
    }

    @Test
    void everyDocumentedVariableHasAProperty() {
        assertThat(GatewayEnvironmentVariables.VARIABLES).containsOnlyKeys("GEMINI_API_KEYS", "GEMINI_BASE_URL",
                "GEMINI_PROXY_URL", "GEMINI_TIER", "GATEWAY_CLIENT_TOKENS", "GATEWAY_CLIENT_RPM", "GATEWAY_CLIENT_RPD",
                "GATEWAY_CLIENT_TPM", "GATEWAY_ADMIN_TOKEN", "REDIS_URL", "PORT");
        assertThat(GatewayEnvironmentVariables.VARIABLES).containsEntry("GEMINI_BASE_URL", "gateway.upstream-url")
                .containsEntry("PORT", "server.port")
                .containsEntry("GEMINI_PROXY_URL", "gemini.gateway.groups.default.proxy")
                .containsEntry("GATEWAY_CLIENT_RPM", "gemini.gateway.client-auth.rate-limit.requests-per-minute")
                .containsEntry("GEMINI_TIER", "gemini.gateway.groups.default.tier");
    }

    @Test
    void variablesBeatApplicationYamlAndLoseToTheCommandLine() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("PORT", "9999", "GEMINI_BASE_URL", "http://proxy.internal")));
        environment.getPropertySources().addLast(new MapPropertySource("application.yml",
                Map.of("server.port", "4806", "gateway.upstream-url", "https://generativelanguage.googleapis.com")));

        new GatewayEnvironmentVariables().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("server.port")).isEqualTo("9999");
        assertThat(environment.getProperty("gateway.upstream-url")).isEqualTo("http://proxy.internal");
        environment.getPropertySources().addFirst(new MapPropertySource("commandLineArgs", Map.of("server.port", "7000")));
        assertThat(environment.getProperty("server.port")).isEqualTo("7000");
    }
}
