package dev.geminigateway.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up validation of key groups: clear messages, never a key. */
class GeminiGatewayConfigurationTest {

    private static final String K1 = "AIzaSyConfigTestKey1xxxxxxxxxxxxxxxxxxxxx";
    private static final String K2 = "AIzaSyConfigTestKey2yyyyyyyyyyyyyyyyyyyyy";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GeminiGatewayAutoConfiguration.class))
            .withUserConfiguration(GatewayPropertiesConfig.class);

    @Configuration
    static class GatewayPropertiesConfig {
        @Bean
        @org.springframework.boot.context.properties.ConfigurationProperties("spring.cloud.gateway.server.webflux")
        GatewayProperties gatewayProperties() {
            return new GatewayProperties();
        }
    }

    @Test
    void aCommaSeparatedStringBindsKeysWithOptionalProjects() {
        runner.withPropertyValues("gemini.gateway.groups.default.keys=" + K1 + "@alpha, " + K2,
                "gemini.gateway.groups.default.models=gemini-2.5-flash").run(context -> {
                    KeyRegistry registry = context.getBean(KeyRegistry.class);
                    List<ApiKey> keys = registry.group("default").orElseThrow().keys();
                    assertThat(keys).extracting(ApiKey::secret).containsExactly(K1, K2);
                    assertThat(keys.get(0).project()).isEqualTo("alpha");
                    assertThat(keys.get(1).project()).startsWith("project-");
                    assertThat(registry.group("default").orElseThrow().models()).containsExactly("gemini-2.5-flash");
                });
    }

    @Test
    void aListOfObjectsBindsWithLabels() {
        runner.withPropertyValues("gemini.gateway.groups.default.keys[0].key=" + K1,
                "gemini.gateway.groups.default.keys[0].project=alpha",
                "gemini.gateway.groups.default.keys[0].label=team-a").run(context -> {
                    ApiKey key = context.getBean(KeyRegistry.class).group("default").orElseThrow().keys().get(0);
                    assertThat(key.label()).isEqualTo("team-a");
                    assertThat(key.project()).isEqualTo("alpha");
                });
    }

    @Test
    void anEmptyGroupFailsStartUp() {
        runner.withPropertyValues("gemini.gateway.groups.default.keys=").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("'default' has no keys");
        });
    }

    @Test
    void aDuplicateKeyFailsStartUpWithoutShowingIt() {
        runner.withPropertyValues("gemini.gateway.groups.default.keys=" + K1 + "," + K1).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("listed twice");
            assertThat(context.getStartupFailure().toString()).doesNotContain(K1);
        });
    }

    @Test
    void aRouteNamingAMissingGroupFailsStartUp() {
        runner.withPropertyValues("gemini.gateway.groups.default.keys=" + K1,
                "spring.cloud.gateway.server.webflux.routes[0].id=r",
                "spring.cloud.gateway.server.webflux.routes[0].uri=http://localhost",
                "spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/v1/**",
                "spring.cloud.gateway.server.webflux.routes[0].filters[0]=KeyRotation=defualt").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("'defualt'")
                            .hasStackTraceContaining("[default]");
                });
    }

    @Test
    void anInvalidEgressProxyFailsStartUpNamingThePropertyButNotItsCredentials() {
        runner.withPropertyValues("gemini.gateway.groups.default.keys=" + K1,
                "gemini.gateway.groups.default.proxy=ftp://user:hunter2@proxy.internal:21").run(context -> {
                    assertThat(context).hasFailed();
                    java.io.StringWriter trace = new java.io.StringWriter();
                    context.getStartupFailure().printStackTrace(new java.io.PrintWriter(trace));
                    assertThat(trace.toString()).contains("gemini.gateway.groups.default.proxy", "http or socks5")
                            .doesNotContain("hunter2");
                });
    }
}
