package dev.geminigateway.autoconfigure;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.geminigateway.store.KeyStateStore;
import dev.geminigateway.redis.RedisKeyStateStore;
import dev.geminigateway.redis.RedisStoreProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.util.StringUtils;

/**
 * The Redis key-state store, shared by every gateway replica. Chosen by {@code gemini.gateway.store.type=redis}, or,
 * when that property is absent, as soon as Redis is configured explicitly ({@code spring.data.redis.url}, {@code .host},
 * {@code .cluster.nodes} or {@code .sentinel.master}); {@code gemini.gateway.store.type=in-memory} keeps the
 * in-memory store even then. Runs before {@link GeminiGatewayAutoConfiguration}, whose in-memory store backs off.
 */
@AutoConfiguration(before = GeminiGatewayAutoConfiguration.class,
        afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
                "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration" })
@ConditionalOnClass(name = "org.springframework.data.redis.core.ReactiveStringRedisTemplate")
@Conditional(RedisStoreAutoConfiguration.RedisStoreSelected.class)
@EnableConfigurationProperties(RedisStoreProperties.class)
public class RedisStoreAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(KeyStateStore.class)
    @ConditionalOnBean(ReactiveRedisConnectionFactory.class)
    RedisKeyStateStore geminiRedisKeyStateStore(ReactiveRedisConnectionFactory connectionFactory,
            RedisStoreProperties properties, ObjectProvider<Clock> clock, ObjectProvider<MeterRegistry> meters) {
        return new RedisKeyStateStore(new ReactiveStringRedisTemplate(connectionFactory), connectionFactory,
                properties.redis(), clock.getIfAvailable(Clock::systemUTC),
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** Redis when asked for by type, else when Redis connection properties are set. */
    static final class RedisStoreSelected extends SpringBootCondition {

        private static final String[] REDIS_PROPERTIES = { "spring.data.redis.url", "spring.data.redis.host",
                "spring.data.redis.cluster.nodes", "spring.data.redis.cluster.nodes[0]",
                "spring.data.redis.sentinel.master" };

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Environment environment = context.getEnvironment();
            String type = environment.getProperty("gemini.gateway.store.type");
            if (type != null && !type.isBlank()) {
                return RedisStoreProperties.TYPE_REDIS.equalsIgnoreCase(type.trim())
                        ? ConditionOutcome.match("gemini.gateway.store.type is redis")
                        : ConditionOutcome.noMatch("gemini.gateway.store.type is " + type);
            }
            for (String property : REDIS_PROPERTIES) {
                // A blank value (e.g. "${REDIS_URL:}") is not a configured Redis.
                if (StringUtils.hasText(environment.getProperty(property))) {
                    return ConditionOutcome.match(property + " is set");
                }
            }
            return ConditionOutcome.noMatch("neither gemini.gateway.store.type nor a Redis connection is configured");
        }
    }
}
