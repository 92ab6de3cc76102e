package dev.geminigateway.token;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.attempt.UsageListener;
import dev.geminigateway.autoconfigure.TokenAccountingAutoConfiguration;
import dev.geminigateway.filter.TokenLimitGatewayFilterFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class TokenAccountingAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TokenAccountingAutoConfiguration.class));

    @Test
    void contributesCounterFilterAndRecorderOnTheApplicationsRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        runner.withBean(MeterRegistry.class, () -> registry).run(context -> {
            assertThat(context).hasSingleBean(TokenCounter.class)
                    .hasSingleBean(TokenCalibration.class)
                    .hasSingleBean(TokenLimitGatewayFilterFactory.class)
                    .hasSingleBean(TokenUsageRecorder.class);
            assertThat(context.getBeansOfType(UsageListener.class).values())
                    .containsExactly(context.getBean(TokenUsageRecorder.class));
            context.getBean(TokenUsageRecorder.class).record("gemini-2.5-flash", 10, new Usage(12, 3, 15));
            assertThat(registry.find(TokenUsageRecorder.RATIO).summary()).isNotNull();
        });
    }

    @Test
    void backsOffWhenTheGatewayIsDisabled() {
        runner.withPropertyValues("spring.cloud.gateway.server.webflux.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(TokenLimitGatewayFilterFactory.class));
    }
}
