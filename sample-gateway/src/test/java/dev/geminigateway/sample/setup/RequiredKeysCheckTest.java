package dev.geminigateway.sample.setup;

import java.util.Map;

import dev.geminigateway.sample.SampleGatewayApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequiredKeysCheckTest {

    @Test
    void startWithoutKeysAndWithoutDemoFailsWithWhatToDo() {
        // a blank command-line value also hides a GEMINI_API_KEYS the machine running this test might have
        assertThatThrownBy(() -> new SpringApplicationBuilder(SampleGatewayApplication.class)
                .run("--server.port=0", "--spring.main.banner-mode=off", "--gemini.gateway.groups.default.keys="))
                .isInstanceOf(MissingGeminiKeysException.class)
                .hasMessageContaining("GEMINI_API_KEYS")
                .hasMessageContaining("demo");
    }

    @Test
    void failureAnalysisNamesTheVariableAndTheDemoProfile() {
        FailureAnalysis analysis = new MissingGeminiKeysFailureAnalyzer()
                .analyze(new IllegalStateException("wrapped", new MissingGeminiKeysException("default")));

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("gemini.gateway.groups.default.keys");
        assertThat(analysis.getAction()).contains("GEMINI_API_KEYS=").contains("--spring.profiles.active=demo");
    }

    @Test
    void keysCountInEitherForm() {
        assertThat(RequiredKeysCheck.hasKeys(environment(Map.of()))).isFalse();
        assertThat(RequiredKeysCheck.hasKeys(environment(Map.of("gemini.gateway.groups.default.keys", " ")))).isFalse();
        assertThat(RequiredKeysCheck.hasKeys(environment(Map.of("gemini.gateway.groups.default.keys", "k1,k2@p"))))
                .isTrue();
        assertThat(RequiredKeysCheck.hasKeys(environment(Map.of("gemini.gateway.groups.default.keys[0].key", "k1"))))
                .isTrue();
        assertThat(RequiredKeysCheck.hasKeys(environment(Map.of("gemini.gateway.groups.other.keys", "k1"))))
                .as("another group's keys do not serve the routes").isFalse();
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        org.springframework.boot.context.properties.source.ConfigurationPropertySources.attach(environment);
        return environment;
    }
}
