package dev.geminigateway.autoconfigure;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;

import dev.geminigateway.attempt.UsageListener;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.quota.GeminiTier;
import dev.geminigateway.quota.LocalQuotaLedgers;
import dev.geminigateway.quota.QuotaLedgers;
import dev.geminigateway.quota.QuotaLimitSources;
import dev.geminigateway.quota.QuotaLimits;
import dev.geminigateway.quota.QuotaMetrics;
import dev.geminigateway.quota.QuotaPolicy;
import dev.geminigateway.quota.QuotaReservation;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.quota.RedisQuotaLedgers;
import dev.geminigateway.quota.TierPresets;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.store.KeyStateStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Quota-aware scheduling ({@code gemini.gateway.quota.*}, limits in {@code gemini.gateway.groups.<g>.quotas} and
 * {@code .tier}): the policy of declared, tier-preset and learned limits, the ledgers, and a {@link KeySelector} that offers only projects with
 * headroom. It runs before {@link GeminiGatewayAutoConfiguration}, whose plain selector then backs off.
 */
@AutoConfiguration(before = GeminiGatewayAutoConfiguration.class)
@ConditionalOnClass(AbstractGatewayFilterFactory.class)
@EnableConfigurationProperties(GeminiGatewayProperties.class)
public class QuotaAutoConfiguration {

    /** Declared limits per group, and each group's tier for the limits it does not declare. */
    @Bean
    @ConditionalOnMissingBean
    QuotaLimitSources geminiQuotaLimitSources(GeminiGatewayProperties properties) {
        Map<String, Map<String, QuotaLimits>> declared = new HashMap<>();
        Map<String, GeminiTier> tiers = new HashMap<>();
        properties.groups().forEach((group, settings) -> {
            Map<String, QuotaLimits> byModel = new HashMap<>();
            settings.quotas().forEach((model, limit) -> {
                if (limit != null) {
                    byModel.put(model, QuotaLimits.of(limit.rpm(), limit.tpm(), limit.rpd()));
                }
            });
            declared.put(group, byModel);
            if (settings.tier() != null) {
                tiers.put(group, settings.tier());
            }
        });
        return new QuotaLimitSources(declared, tiers, TierPresets.published());
    }

    @Bean
    @ConditionalOnMissingBean
    QuotaPolicy geminiQuotaPolicy(QuotaLimitSources sources, ObjectProvider<Clock> clock) {
        return new QuotaPolicy(sources.configured(), clock.getIfAvailable(Clock::systemUTC));
    }

    /** {@code gemini.gateway.quota.ledgers=redis}: ledgers shared by replicas, on Spring Data Redis's Lettuce client. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = { "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
            "io.github.bucket4j.redis.lettuce.Bucket4jLettuce" })
    @ConditionalOnProperty(prefix = "gemini.gateway.quota", name = "ledgers", havingValue = "redis")
    static class RedisLedgers {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        QuotaLedgers geminiRedisQuotaLedgers(ObjectProvider<LettuceConnectionFactory> connections,
                GeminiGatewayProperties properties, ObjectProvider<Clock> clock) {
            LettuceConnectionFactory factory = connections.getIfAvailable();
            if (factory == null || !(factory.getNativeClient() instanceof RedisClient client)) {
                throw new IllegalStateException("gemini.gateway.quota.ledgers=redis needs a standalone Redis configured "
                        + "for Spring Data Redis (spring.data.redis.url or host/port) with the Lettuce client");
            }
            return new RedisQuotaLedgers(client, clock.getIfAvailable(Clock::systemUTC),
                    properties.quota().safetyMargin(), "gq");
        }
    }

    @Bean
    @ConditionalOnMissingBean
    QuotaLedgers geminiQuotaLedgers(GeminiGatewayProperties properties, ObjectProvider<Clock> clock) {
        GeminiGatewayProperties.Quota quota = properties.quota();
        return new LocalQuotaLedgers(clock.getIfAvailable(Clock::systemUTC), quota.safetyMargin(), quota.maxLedgers());
    }

    @Bean
    @ConditionalOnMissingBean
    QuotaScheduler geminiQuotaScheduler(QuotaPolicy policy, QuotaLedgers ledgers, GeminiGatewayProperties properties,
            ObjectProvider<MeterRegistry> registry, ObjectProvider<Clock> clock, ObjectProvider<KnownModels> models) {
        QuotaMetrics metrics = new QuotaMetrics(registry.getIfAvailable(), properties.quota().maxGauges(),
                models.getIfAvailable(KnownModels::catalogue));
        return new QuotaScheduler(policy, ledgers, metrics, clock.getIfAvailable(Clock::systemUTC),
                properties.quota().proactive());
    }

    /** Corrects each reservation with the input tokens Gemini reported (refund or extra charge). */
    @Bean
    UsageListener geminiQuotaReconciliation(QuotaScheduler scheduler) {
        return (exchange, usage) -> {
            QuotaReservation reservation = exchange.getAttribute(QuotaReservation.ATTRIBUTE);
            if (reservation != null) {
                scheduler.reconcile(reservation, usage.promptTokens());
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean
    KeySelector geminiQuotaAwareKeySelector(KeyStateStore store, QuotaScheduler scheduler,
            ObjectProvider<KnownModels> models) {
        return new KeySelector(store, scheduler, models.getIfAvailable(KnownModels::catalogue));
    }
}
