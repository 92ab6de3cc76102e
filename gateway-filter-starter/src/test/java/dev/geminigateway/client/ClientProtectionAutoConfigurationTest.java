package dev.geminigateway.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import dev.geminigateway.redis.RedisClientBuckets;
import dev.geminigateway.autoconfigure.ClientProtectionAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.gateway.filter.factory.RequestRateLimiterGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up rules and bean wiring, each in a context of its own (no server is started). */
@ExtendWith(OutputCaptureExtension.class)
class ClientProtectionAutoConfigurationTest {

    private static final String TOKEN = "a-client-token-0123456789";

    /** Just what the gateway, Redis and our auto-configuration need, so each context starts in about a second. */
    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration.class,
                    org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration.class,
                    org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration.class,
                    org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration.class,
                    org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration.class,
                    org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration.class,
                    org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration.class,
                    org.springframework.cloud.gateway.config.GatewayAutoConfiguration.class,
                    ClientProtectionAutoConfiguration.class));

    /** Plus Redis, which brings Spring Cloud Gateway's RedisRateLimiter and principalNameKeyResolver. */
    private final ReactiveWebApplicationContextRunner withRedis = runner.withConfiguration(AutoConfigurations.of(
            org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration.class,
            org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration.class,
            gatewayRedisAutoConfiguration()));

    private static Class<?> gatewayRedisAutoConfiguration() {
        try {
            // package-private in Spring Cloud Gateway
            return Class.forName("org.springframework.cloud.gateway.config.GatewayRedisAutoConfiguration");
        }
        catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void refusesToStartWithoutATokenNamingTheProperty() {
        runner.run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("gemini.gateway.client-auth.tokens")
                    .hasMessageContaining("gemini.gateway.client-auth.enabled=false");
        });
    }

    @Test
    void startsWithoutTokensWhenExplicitlyDisabledAndWarnsOfAnOpenRelay(CapturedOutput output) {
        runner.withPropertyValues("gemini.gateway.client-auth.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ClientTokens.class).isEmpty()).isTrue();
            assertThat(output).contains("open relay");
        });
    }

    @Test
    void readsTokensFromTheGatewayClientTokensVariable() {
        runner.withPropertyValues("GATEWAY_CLIENT_TOKENS=" + TOKEN + ", another-token-0123456789").run(context -> {
            assertThat(context).hasNotFailed();
            ClientTokens tokens = context.getBean(ClientTokens.class);
            assertThat(tokens.size()).isEqualTo(2);
            assertThat(tokens.authenticate(TOKEN)).contains("token-" + ClientTokens.fingerprint(TOKEN));
        });
    }

    @Test
    void noClientLimitByDefaultAndNamedTokensBindWithTheirOwnLimits() {
        runner.withPropertyValues("gemini.gateway.client-auth.tokens[0].name=reporting",
                "gemini.gateway.client-auth.tokens[0].token=" + TOKEN,
                "gemini.gateway.client-auth.tokens[0].requests-per-day=500",
                "gemini.gateway.client-auth.tokens[0].tokens-per-minute=20000",
                "gemini.gateway.client-auth.tokens[1]=plain-token-0123456789").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean("clientRateLimiter", ClientRateLimiter.class).getDefaults().hasLimit()).isFalse();
            ClientTokens tokens = context.getBean(ClientTokens.class);
            assertThat(tokens.authenticate(TOKEN)).contains("reporting");
            assertThat(tokens.limitsOf("reporting").getRequestsPerDay()).isEqualTo(500);
            assertThat(tokens.limitsOf("reporting").getTokensPerMinute()).isEqualTo(20_000L);
            assertThat(tokens.limitsOf("reporting").getRequestsPerMinute()).isNull();
            assertThat(tokens.authenticate("plain-token-0123456789"))
                    .contains(IssuedToken.derivedName("plain-token-0123456789"));
        });
    }

    @Test
    void refusesAGoogleApiKeyAsAClientTokenWithoutPrintingIt() {
        String googleKey = "AIzaSyD-this-is-not-a-client-token-000000";
        runner.withPropertyValues("gemini.gateway.client-auth.tokens=" + TOKEN + "," + googleKey).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tokens[1]")
                    .hasMessageContaining("Google API key");
            assertThat(context.getStartupFailure()).rootCause().message().doesNotContain(googleKey);
        });
    }

    @Test
    void refusesAnUnresolvedPlaceholderRatherThanAcceptItsText() {
        // what binding yields for "tokens: ${GATEWAY_CLIENT_TOKENS}" when the variable is not set
        runner.withPropertyValues("gemini.gateway.client-auth.tokens=${UNSET_CLIENT_TOKENS_VARIABLE}")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("gemini.gateway.client-auth.tokens[0] is an unresolved placeholder");
                });
    }

    @Test
    void rejectsInvalidLockoutSettingsAtBinding() {
        runner.withPropertyValues("gemini.gateway.client-auth.tokens=" + TOKEN, "gemini.gateway.client-auth.lockout.max-failures=-1")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("lockout.maxFailures");
                });
    }

    @Test
    void rejectsANegativeLimitOfOneTokenAtBinding() {
        runner.withPropertyValues("gemini.gateway.client-auth.tokens[0].token=" + TOKEN,
                "gemini.gateway.client-auth.tokens[0].requests-per-minute=-1").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("tokens[0].requestsPerMinute");
                });
    }

    @Test
    void withoutRedisRequestRateLimiterStillResolvesWithOurDefaults() {
        runner.withPropertyValues("gemini.gateway.client-auth.tokens=" + TOKEN).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(RedisRateLimiter.class);
            RequestRateLimiterGatewayFilterFactory factory = context.getBean(RequestRateLimiterGatewayFilterFactory.class);
            assertThat(factory.getDefaultRateLimiter()).isSameAs(context.getBean("clientRateLimiter"));
            assertThat(factory.getDefaultKeyResolver()).isSameAs(context.getBean("clientIpKeyResolver"));
        });
    }

    @Test
    void withRedisAndTheApplicationsOwnKeyResolverNothingIsAmbiguous() {
        withRedis.withPropertyValues("gemini.gateway.client-auth.tokens=" + TOKEN)
                .withUserConfiguration(OwnKeyResolver.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    RequestRateLimiterGatewayFilterFactory factory = context.getBean(RequestRateLimiterGatewayFilterFactory.class);
                    assertThat(factory.getDefaultRateLimiter()).isInstanceOf(RedisRateLimiter.class);
                    assertThat(factory.getDefaultKeyResolver()).isSameAs(context.getBean("userKeyResolver"));
                    assertThat(context.getBean("clientRateLimiter")).isInstanceOf(ClientRateLimiter.class);
                    assertThat(context.getBean("clientTokenKeyResolver")).isInstanceOf(ClientTokenKeyResolver.class);
                });
    }

    @Test
    void redisStoreSharesBucketsThroughTheLettuceConnectionFactoryLazily() {
        // no Redis runs on this port: the gateway must start anyway and connect on first use
        withRedis.withPropertyValues("gemini.gateway.client-auth.tokens=" + TOKEN,
                        "gemini.gateway.client-auth.rate-limit.store=redis", "spring.data.redis.port=1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(RedisClientBuckets.class);
                    assertThat(context.getBean("clientRateLimiter")).extracting("shared")
                            .isSameAs(context.getBean(RedisClientBuckets.class));
                });
    }

    @Test
    void localStoreIsTheDefault() {
        withRedis.withPropertyValues("gemini.gateway.client-auth.tokens=" + TOKEN).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(RedisClientBuckets.class);
            assertThat(context.getBean("clientRateLimiter")).extracting("shared").isNull();
        });
    }

    @Test
    void aConfiguredRedisConnectionSharesTheBucketsUnlessLocalIsChosen() {
        // no Redis runs on this port: buckets connect on first use
        ReactiveWebApplicationContextRunner configured = withRedis.withPropertyValues(
                "gemini.gateway.client-auth.tokens=" + TOKEN, "spring.data.redis.url=redis://127.0.0.1:1");
        configured.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean("clientRateLimiter")).extracting("shared")
                    .isSameAs(context.getBean(RedisClientBuckets.class));
        });
        configured.withPropertyValues("gemini.gateway.client-auth.rate-limit.store=local").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(RedisClientBuckets.class);
        });
    }

    @Test
    void sharedBucketsThatCannotBeSharedFailStartupNamingWhatIsMissing() {
        withRedis.withClassLoader(new FilteredClassLoader("io.github.bucket4j.redis"))
                .withPropertyValues("gemini.gateway.client-auth.tokens=" + TOKEN, "spring.data.redis.host=127.0.0.1",
                        "spring.data.redis.port=1")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("com.bucket4j:bucket4j_jdk17-lettuce")
                            .hasMessageContaining("gemini.gateway.client-auth.rate-limit.store=local");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnKeyResolver {

        @Bean
        KeyResolver userKeyResolver() {
            return exchange -> Mono.just("everyone");
        }
    }
}
