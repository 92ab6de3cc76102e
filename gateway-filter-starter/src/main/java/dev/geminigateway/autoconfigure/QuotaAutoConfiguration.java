package dev.geminigateway.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

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
import dev.geminigateway.redis.RedisQuotaLedgers;
import dev.geminigateway.redis.SharedLearnedLimits;
import dev.geminigateway.quota.TierPresets;
import dev.geminigateway.selection.KeyScores;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.store.KeyStateStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
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

    static final String LEDGERS = "gemini.gateway.quota.ledgers";

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

    /**
     * Ledgers shared by replicas (with the limits learned from Gemini), on Spring Data Redis's Lettuce client:
     * {@code gemini.gateway.quota.ledgers=redis}, or unset with a Redis connection configured.
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(LedgersInRedis.class)
    static class RedisLedgers {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(QuotaLedgers.class)
        RedisQuotaLedgers geminiRedisQuotaLedgers(ObjectProvider<LettuceConnectionFactory> connections,
                GeminiGatewayProperties properties, ObjectProvider<Clock> clock) {
            LettuceConnectionFactory factory = connections.getIfAvailable();
            if (factory == null) {
                throw new IllegalStateException(LEDGERS + " is redis (set, or the default because Redis is configured) "
                        + "but there is no Lettuce connection to Redis: configure spring.data.redis.* with the Lettuce "
                        + "client, or set " + LEDGERS + "=local to keep the ledgers on each replica");
            }
            GeminiGatewayProperties.Quota quota = properties.quota();
            return new RedisQuotaLedgers(factory::getRequiredNativeClient, clock.getIfAvailable(Clock::systemUTC),
                    quota.safetyMargin(), quota.redisTimeout(), "gq", quota.maxLedgers());
        }

        @Bean
        @ConditionalOnBean(RedisQuotaLedgers.class)
        SharedLearnedLimits geminiSharedLearnedLimits(RedisQuotaLedgers ledgers, QuotaPolicy policy) {
            return new SharedLearnedLimits(ledgers, policy, Duration.ofSeconds(1));
        }
    }

    /** The ledgers live in Redis; fails start-up with a clear message when they are meant to but cannot. */
    static final class LedgersInRedis extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String where = SharedStateDefaults.resolve(LEDGERS, context.getEnvironment().getProperty(LEDGERS),
                    context.getEnvironment());
            if (!SharedStateDefaults.REDIS.equals(where)) {
                return ConditionOutcome.noMatch(LEDGERS + " is local");
            }
            SharedStateDefaults.requireClasses(LEDGERS, "the quota ledgers", context.getClassLoader(),
                    SharedStateDefaults.lettuceFactory());
            return ConditionOutcome.match(LEDGERS + " is redis");
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
            ObjectProvider<KnownModels> models, GeminiGatewayProperties properties) {
        return selector(store, scheduler, models.getIfAvailable(KnownModels::catalogue), properties);
    }

    /** The selector, health-weighted unless {@code rotation.health-weighted=false}. */
    static KeySelector selector(KeyStateStore store, QuotaScheduler scheduler, KnownModels models,
            GeminiGatewayProperties properties) {
        return new KeySelector(store, scheduler, models, new KeyScores(),
                properties.rotation().healthWeighted() ? bound -> ThreadLocalRandom.current().nextInt(bound) : null);
    }
}
