package dev.geminigateway.autoconfigure;

import java.time.Clock;

import dev.geminigateway.affinity.LocalResourceOwners;
import dev.geminigateway.redis.RedisResourceOwners;
import dev.geminigateway.affinity.ResourceAffinityFilter;
import dev.geminigateway.affinity.ResourceOwnerCaptureFilter;
import dev.geminigateway.affinity.ResourceOwners;
import dev.geminigateway.redis.RedisKeyStateStore;
import dev.geminigateway.redis.RedisStoreProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Files and cached contents belong to one Gemini project: remembers the owner of each one created through the
 * gateway (shared through Redis when the key-state store is, else in this process) and routes requests naming it to
 * that project's keys.
 */
@AutoConfiguration(after = { GeminiGatewayAutoConfiguration.class, RedisStoreAutoConfiguration.class })
@ConditionalOnClass(AbstractGatewayFilterFactory.class)
public class ResourceAffinityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ResourceOwners.class)
    ResourceOwners geminiResourceOwners(Clock clock) {
        return new LocalResourceOwners(LocalResourceOwners.DEFAULT_MAX_ENTRIES, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    ResourceAffinityFilter geminiResourceAffinityFilter(ResourceOwners owners, GeminiGatewayProperties properties) {
        return new ResourceAffinityFilter(owners, properties.rotation().maxBodyBytes());
    }

    @Bean
    @ConditionalOnMissingBean
    ResourceOwnerCaptureFilter geminiResourceOwnerCaptureFilter(ResourceOwners owners, Clock clock) {
        return new ResourceOwnerCaptureFilter(owners, clock);
    }

    /** With the Redis key-state store, owners go to the same Redis, under the same hash tag. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.data.redis.core.ReactiveStringRedisTemplate")
    @ConditionalOnBean(RedisKeyStateStore.class)
    static class SharedOwners {

        @Bean
        @ConditionalOnMissingBean(ResourceOwners.class)
        ResourceOwners geminiRedisResourceOwners(ReactiveRedisConnectionFactory connectionFactory,
                RedisStoreProperties properties, Clock clock) {
            RedisStoreProperties.Redis redis = properties.redis();
            return new RedisResourceOwners(new ReactiveStringRedisTemplate(connectionFactory), redis.keyPrefix(),
                    redis.commandTimeout(), new LocalResourceOwners(LocalResourceOwners.DEFAULT_MAX_ENTRIES, clock),
                    clock);
        }
    }
}
