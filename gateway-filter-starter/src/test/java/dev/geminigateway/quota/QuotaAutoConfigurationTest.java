package dev.geminigateway.quota;

import org.junit.jupiter.api.Test;

import dev.geminigateway.redis.RedisQuotaLedgers;
import dev.geminigateway.redis.SharedLearnedLimits;
import dev.geminigateway.autoconfigure.GeminiGatewayAutoConfiguration;
import dev.geminigateway.autoconfigure.QuotaAutoConfiguration;
import dev.geminigateway.selection.KeySelector;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

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

    @Test
    void aConfiguredRedisConnectionSharesTheLedgersAndLearnedLimitsUnlessLocalIsChosen() {
        // no Redis runs on this port: the ledgers connect on first use, and decide locally until Redis answers
        ApplicationContextRunner configured = RUNNER.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
                .withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1");
        configured.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(QuotaLedgers.class)).isInstanceOf(RedisQuotaLedgers.class);
            assertThat(context).hasSingleBean(SharedLearnedLimits.class);
        });
        configured.withPropertyValues("gemini.gateway.quota.ledgers=local").run(context -> {
            assertThat(context.getBean(QuotaLedgers.class)).isInstanceOf(LocalQuotaLedgers.class);
            assertThat(context).doesNotHaveBean(SharedLearnedLimits.class);
        });
    }

    @Test
    void ledgersThatCannotBeSharedOrAnUnknownChoiceFailStartup() {
        RUNNER.withClassLoader(new FilteredClassLoader(LettuceConnectionFactory.class))
                .withPropertyValues("gemini.gateway.quota.ledgers=redis")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("spring-boot-starter-data-redis-reactive")
                        .hasMessageContaining("gemini.gateway.quota.ledgers=local"));
        RUNNER.withPropertyValues("gemini.gateway.quota.ledgers=redis").run(context -> assertThat(
                context.getStartupFailure()).rootCause().hasMessageContaining("no Lettuce connection to Redis"));
        RUNNER.withPropertyValues("gemini.gateway.quota.ledgers=shared").run(context -> assertThat(
                context.getStartupFailure()).rootCause().hasMessageContaining("not one of: local, redis"));
    }
}
