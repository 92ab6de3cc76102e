package dev.geminigateway.autoconfigure;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The former {@code gemini.gateway.bench.*} names still bind, and the new {@code sideline.*} names win. */
class SidelineAliasesTest {

    @Test
    void theFormerNamesBindToTheSideline() {
        StandardEnvironment environment = environment(Map.of("gemini.gateway.bench.failure-threshold", "7"),
                Map.of("GEMINI_GATEWAY_BENCH_DURATION", "90s"));

        GeminiGatewayProperties.Sideline sideline = sideline(environment);

        assertThat(sideline.failureThreshold()).isEqualTo(7);
        assertThat(sideline.duration()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void theNewNameWinsOverTheFormerOne() {
        StandardEnvironment environment = environment(Map.of("gemini.gateway.bench.failure-threshold", "7",
                "gemini.gateway.sideline.failure-threshold", "2"), Map.of("GEMINI_GATEWAY_SIDELINE_DURATION", "30s",
                        "GEMINI_GATEWAY_BENCH_DURATION", "90s"));

        GeminiGatewayProperties.Sideline sideline = sideline(environment);

        assertThat(sideline.failureThreshold()).isEqualTo(2);
        assertThat(sideline.duration()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void withNeitherNameTheDefaultsHold() {
        StandardEnvironment environment = environment(Map.of(), Map.of());

        assertThat(environment.getPropertySources().contains(SidelineAliases.SOURCE)).isFalse();
        assertThat(sideline(environment).failureThreshold()).isEqualTo(3);
    }

    private static StandardEnvironment environment(Map<String, Object> properties, Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        environment.getPropertySources().addLast(new SystemEnvironmentPropertySource("testEnv", variables));
        new SidelineAliases().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    private static GeminiGatewayProperties.Sideline sideline(StandardEnvironment environment) {
        return Binder.get(environment).bindOrCreate("gemini.gateway", GeminiGatewayProperties.class).sideline();
    }
}
