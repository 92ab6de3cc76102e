package dev.geminigateway.quota;

import org.junit.jupiter.api.Test;

import dev.geminigateway.autoconfigure.GeminiGatewayAutoConfiguration;
import dev.geminigateway.autoconfigure.QuotaAutoConfiguration;
import dev.geminigateway.selection.KeySelector;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.gateway.config.GatewayProperties;

import static org.assertj.core.api.Assertions.assertThat;

class QuotaAutoConfigurationTest {

    static final ApplicationContextRunner RUNNER = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(QuotaAutoConfiguration.class, GeminiGatewayAutoConfiguration.class))
            .withBean(GatewayProperties.class)
            .withPropertyValues("gemini.gateway.groups.free.keys=AIzaSyAutoConfigKey1xxxxxxxxxxxxxxxxxxxxxx@pa");

    @Test
    void groupQuotasBindByModelWithADefaultAndSelectionUsesThem() {
        RUNNER.withPropertyValues(
                "gemini.gateway.groups.free.quotas.[gemini-2.5-flash].rpm=10",
                "gemini.gateway.groups.free.quotas.[gemini-2.5-flash].tpm=250000",
                "gemini.gateway.groups.free.quotas.[gemini-2.5-flash].rpd=250",
                "gemini.gateway.groups.free.quotas.[*].rpd=20").run(context -> {
                    assertThat(context).hasNotFailed();
                    QuotaPolicy policy = context.getBean(QuotaPolicy.class);
                    assertThat(policy.limits("free", "pa", "gemini-2.5-flash")).isEqualTo(QuotaLimits.of(10L, 250_000L, 250L));
                    assertThat(policy.limits("free", "pa", "gemini-2.0-flash")).isEqualTo(QuotaLimits.of(null, null, 20L));
                    assertThat(context.getBean(QuotaLedgers.class)).isInstanceOf(LocalQuotaLedgers.class);
                    QuotaScheduler scheduler = context.getBean(QuotaScheduler.class);
                    assertThat(scheduler.proactive()).isTrue();
                    assertThat(context.getBean(KeySelector.class).quota()).containsSame(scheduler);
                });
    }

    @Test
    void reactiveModeIsASwitch() {
        RUNNER.withPropertyValues("gemini.gateway.quota.proactive=false").run(context -> {
            assertThat(context.getBean(QuotaScheduler.class).proactive()).isFalse();
            assertThat(context.getBean(QuotaPolicy.class).anyConfigured()).isFalse();
        });
    }
}
