package dev.geminigateway.redis;


import org.junit.jupiter.api.Test;

import dev.geminigateway.autoconfigure.GeminiGatewayAutoConfiguration;
import dev.geminigateway.autoconfigure.RedisStoreAutoConfiguration;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.store.KeyStateStore;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.gateway.config.GatewayProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which store the starter picks. The Redis URLs here point at a closed port on purpose: the store must come up
 * (serving locally, disconnected) even when Redis is unreachable at start.
 */
class RedisStoreAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
                    RedisStoreAutoConfiguration.class, GeminiGatewayAutoConfiguration.class))
            .withBean(GatewayProperties.class)
            .withPropertyValues("gemini.gateway.groups.default.keys=AIzaSyAutoConfigKeyaaaaaaaaaaaaaaaaaaaaaa",
                    "gemini.gateway.store.redis.startup-sync-timeout=500ms");

    @Test
    void withoutRedisConfiguredTheStoreIsInMemory() {
        runner.run(context -> assertThat(context).hasSingleBean(KeyStateStore.class)
                .getBean(KeyStateStore.class).isInstanceOf(InMemoryKeyStateStore.class));
    }

    @Test
    void aRedisUrlSelectsTheRedisStoreAndItStartsEvenWhenRedisIsDown() {
        runner.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:" + RedisServerProcess.closedPort()).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(KeyStateStore.class);
            KeyStateStore store = context.getBean(KeyStateStore.class);
            assertThat(store).isInstanceOf(RedisKeyStateStore.class);
            assertThat(store.kind()).isEqualTo("redis");
            assertThat(store.connected()).isFalse();
        });
    }

    @Test
    void theTypePropertyOverridesTheDefaultBothWays() {
        int port = RedisServerProcess.closedPort();
        runner.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:" + port, "gemini.gateway.store.type=in-memory")
                .run(context -> assertThat(context.getBean(KeyStateStore.class)).isInstanceOf(InMemoryKeyStateStore.class));
        runner.withPropertyValues("spring.data.redis.port=" + port, "gemini.gateway.store.type=redis")
                .run(context -> assertThat(context.getBean(KeyStateStore.class)).isInstanceOf(RedisKeyStateStore.class));
    }
}
