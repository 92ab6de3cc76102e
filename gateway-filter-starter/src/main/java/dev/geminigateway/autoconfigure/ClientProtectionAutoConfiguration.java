package dev.geminigateway.autoconfigure;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.geminigateway.attempt.UsageListener;
import dev.geminigateway.client.AuthFailureLockout;
import dev.geminigateway.client.ClientAddressResolver;
import dev.geminigateway.client.ClientAuthGatewayFilterFactory;
import dev.geminigateway.client.ClientBudgets;
import dev.geminigateway.client.ClientIpKeyResolver;
import dev.geminigateway.client.ClientRateLimitGatewayFilterFactory;
import dev.geminigateway.client.ClientRateLimiter;
import dev.geminigateway.client.ClientTokenKeyResolver;
import dev.geminigateway.client.ClientTokens;
import dev.geminigateway.client.IssuedToken;
import dev.geminigateway.client.SharedBudgets;
import dev.geminigateway.client.SharedBuckets;
import dev.geminigateway.client.TokenBudget;
import dev.geminigateway.redis.RedisClientBudgets;
import dev.geminigateway.redis.RedisClientBuckets;
import dev.geminigateway.web.GeminiExchangeAttributes;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.config.conditional.ConditionalOnEnabledFilter;
import org.springframework.cloud.gateway.filter.factory.RequestRateLimiterGatewayFilterFactory;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Client protection: {@code ClientAuth}, the lockout, {@code clientRateLimiter}, {@code ClientRateLimit} and the
 * {@code clientIpKeyResolver} / {@code clientTokenKeyResolver} key resolvers.
 * <p>
 * The rate limiter and key resolvers are declared with {@code defaultCandidate = false}: routes name them
 * ({@code "#{@clientRateLimiter}"}) and they never take part in injection by type. So they cannot make Spring Cloud
 * Gateway's {@code RequestRateLimiterGatewayFilterFactory} ambiguous (it injects one {@code RateLimiter} and one
 * {@code KeyResolver}), and an application's own {@code KeyResolver}, or the {@code RedisRateLimiter} and
 * {@code principalNameKeyResolver} Spring Cloud Gateway adds with Redis, keep their role as defaults. Spring Cloud
 * Gateway only creates that factory when some default-candidate {@code RateLimiter} exists; without one (no Redis,
 * no limiter of the application's), a factory whose defaults are ours is declared here so
 * {@code RequestRateLimiter} still resolves.
 */
@AutoConfiguration(after = GatewayAutoConfiguration.class,
        afterName = { "org.springframework.cloud.gateway.config.GatewayRedisAutoConfiguration",
                "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" })
@ConditionalOnClass(GatewayAutoConfiguration.class)
@EnableConfigurationProperties(ClientProtectionProperties.class)
public class ClientProtectionAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ClientProtectionAutoConfiguration.class);

    static final String TOKENS_PROPERTY = "gemini.gateway.client-auth.tokens";
    static final String TOKENS_ENVIRONMENT_VARIABLE = "GATEWAY_CLIENT_TOKENS";
    static final String STORE_PROPERTY = "gemini.gateway.client-auth.rate-limit.store";
    static final String BUDGETS_STORE_PROPERTY = "gemini.gateway.client-auth.budgets.store";

    /** Lets {@code tokens} be plain strings (a list, or comma-separated as from GATEWAY_CLIENT_TOKENS). */
    @Bean
    @ConfigurationPropertiesBinding
    static Converter<String, ClientProtectionProperties.Token> geminiClientTokenConverter() {
        return new ClientTokenConverter();
    }

    @Bean
    @ConditionalOnMissingBean
    public ClientTokens clientTokens(ClientProtectionProperties properties, Environment environment) {
        List<ClientProtectionProperties.Token> entries = properties.tokens().isEmpty()
                ? split(environment.getProperty(TOKENS_ENVIRONMENT_VARIABLE))
                : properties.tokens().stream().filter(entry -> entry.token() != null && !entry.token().isBlank()).toList();
        if (!properties.enabled()) {
            log.warn("Client authentication is disabled (gemini.gateway.client-auth.enabled=false): this gateway is an "
                    + "open relay, anyone who can reach it spends your Gemini quota");
            return ClientTokens.of(List.of());
        }
        List<String> tokens = entries.stream().map(entry -> entry.token().strip()).toList();
        checkTokens(tokens);
        ClientTokens clientTokens = ClientTokens.issued(entries.stream().map(ClientProtectionAutoConfiguration::issued)
                .toList());
        log.info("Client authentication on with {} client token(s): {}", clientTokens.size(), clientTokens.names());
        return clientTokens;
    }

    private static IssuedToken issued(ClientProtectionProperties.Token entry) {
        return new IssuedToken(entry.name(), entry.token(), new ClientRateLimiter.Config()
                .setRequestsPerMinute(entry.requestsPerMinute())
                .setRequestsPerDay(entry.requestsPerDay())
                .setTokensPerMinute(entry.tokensPerMinute()));
    }

    @Bean
    @ConditionalOnMissingBean
    public ClientAddressResolver clientAddressResolver(ClientProtectionProperties properties) {
        return new ClientAddressResolver(properties.trustedProxies());
    }

    @Bean
    @ConditionalOnMissingBean
    public AuthFailureLockout authFailureLockout(ClientProtectionProperties properties, ObjectProvider<Clock> clock) {
        ClientProtectionProperties.Lockout lockout = properties.lockout();
        return new AuthFailureLockout(lockout.maxFailures(), lockout.window(), lockout.block(), lockout.maxClients(),
                clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean
    public ClientAuthGatewayFilterFactory clientAuthGatewayFilterFactory(ClientTokens clientTokens,
            AuthFailureLockout authFailureLockout, ClientAddressResolver clientAddressResolver,
            ClientProtectionProperties properties, ClientBudgets clientBudgets) {
        return new ClientAuthGatewayFilterFactory(clientTokens, authFailureLockout, clientAddressResolver,
                properties.enabled(), clientBudgets);
    }

    /** Per-token budgets and usage meters; counted in Redis when {@link #BUDGETS_STORE_PROPERTY} resolves to redis. */
    @Bean
    @ConditionalOnMissingBean
    public ClientBudgets clientBudgets(ClientProtectionProperties properties, ObjectProvider<Clock> clock,
            ObjectProvider<SharedBudgets> sharedBudgets, ObjectProvider<MeterRegistry> meterRegistry,
            Environment environment) {
        Map<String, TokenBudget> budgets = new HashMap<>();
        for (ClientProtectionProperties.Token entry : properties.tokens()) {
            ClientProtectionProperties.Budget budget = entry.budget();
            if (budget != null && entry.token() != null && !entry.token().isBlank()) {
                budgets.put(issued(entry).name(), TokenBudget.of(budget.requestsPerDay(), budget.inputTokensPerDay(),
                        budget.outputTokensPerDay(), budget.requestsPerMonth(), budget.inputTokensPerMonth(),
                        budget.outputTokensPerMonth()));
            }
        }
        boolean redis = SharedStateDefaults.REDIS.equals(SharedStateDefaults.resolve(BUDGETS_STORE_PROPERTY,
                environment.getProperty(BUDGETS_STORE_PROPERTY), environment));
        SharedBudgets shared = redis ? sharedBudgets.getIfAvailable() : null;
        if (redis && shared == null && environment.getProperty(BUDGETS_STORE_PROPERTY) != null) {
            throw new IllegalStateException(BUDGETS_STORE_PROPERTY + " is redis but there is no Redis connection: "
                    + "configure spring.data.redis.*, or set it to local to count on each replica");
        }
        return new ClientBudgets(budgets, properties.budgets().zone(), clock.getIfUnique(Clock::systemUTC), shared,
                meterRegistry.getIfUnique());
    }

    /** Tells the budgets the tokens Gemini billed each client. */
    @Bean
    UsageListener clientBudgetUsageListener(ClientBudgets clientBudgets) {
        return (exchange, usage) -> {
            String client = exchange.getAttribute(GeminiExchangeAttributes.CLIENT_ID);
            if (client != null) {
                clientBudgets.record(client, usage);
            }
        };
    }

    @Bean(defaultCandidate = false)
    public ClientRateLimiter clientRateLimiter(ClientProtectionProperties properties,
            ConfigurationService configurationService, ObjectProvider<Clock> clock,
            ObjectProvider<SharedBuckets> sharedBuckets, Environment environment, ResourceLoader resources) {
        ClientProtectionProperties.RateLimit rateLimit = properties.rateLimit();
        ClientRateLimiter.Config defaults = new ClientRateLimiter.Config()
                .setRequestsPerMinute(rateLimit.requestsPerMinute())
                .setRequestsPerDay(rateLimit.requestsPerDay())
                .setTokensPerMinute(rateLimit.tokensPerMinute());
        SharedBuckets shared = sharedBuckets.getIfAvailable();
        if (BucketsInRedis.chosen(environment)) {
            SharedStateDefaults.requireClasses(STORE_PROPERTY, "client rate limits", resources.getClassLoader(),
                    SharedStateDefaults.lettuceFactory(), "io.github.bucket4j.redis.lettuce.Bucket4jLettuce");
            if (shared == null) {
                throw new IllegalStateException(STORE_PROPERTY + " is redis (set, or the default because Redis is "
                        + "configured) but there is no Lettuce connection to Redis: configure spring.data.redis.* with "
                        + "the Lettuce client, or set " + STORE_PROPERTY + "=local to count on each replica");
            }
        }
        return new ClientRateLimiter(defaults, rateLimit.maxClients(), clock.getIfUnique(Clock::systemUTC),
                configurationService, shared);
    }

    /** Client buckets shared through Redis: asked for, or unset with a Redis connection configured. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = { "io.github.bucket4j.redis.lettuce.Bucket4jLettuce",
            "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory" })
    @Conditional(BucketsInRedis.class)
    static class RedisBucketsConfiguration {

        @Bean
        @ConditionalOnMissingBean(SharedBuckets.class)
        @ConditionalOnBean(LettuceConnectionFactory.class)
        RedisClientBuckets redisClientBuckets(LettuceConnectionFactory connectionFactory,
                ClientProtectionProperties properties, ObjectProvider<Clock> clock) {
            return new RedisClientBuckets(connectionFactory::getRequiredNativeClient,
                    properties.rateLimit().redisTimeout(),
                    ClientRateLimiter.timeMeter(clock.getIfUnique(Clock::systemUTC)));
        }
    }

    /** Client budgets counted in Redis: asked for, or unset with a Redis connection configured. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = { "org.springframework.data.redis.core.ReactiveStringRedisTemplate",
            "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory" })
    static class RedisBudgetsConfiguration {

        @Bean
        @ConditionalOnMissingBean(SharedBudgets.class)
        @ConditionalOnBean(LettuceConnectionFactory.class)
        RedisClientBudgets redisClientBudgets(LettuceConnectionFactory connectionFactory,
                ClientProtectionProperties properties) {
            return new RedisClientBudgets(new ReactiveStringRedisTemplate(connectionFactory),
                    properties.budgets().redisTimeout());
        }
    }

    /** Client buckets in Redis: {@link #STORE_PROPERTY} says so, or is unset and Redis is configured. */
    static final class BucketsInRedis extends SpringBootCondition {

        static boolean chosen(Environment environment) {
            return SharedStateDefaults.REDIS.equals(SharedStateDefaults.resolve(STORE_PROPERTY,
                    environment.getProperty(STORE_PROPERTY), environment));
        }

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return chosen(context.getEnvironment()) ? ConditionOutcome.match(STORE_PROPERTY + " is redis")
                    : ConditionOutcome.noMatch(STORE_PROPERTY + " is local");
        }
    }

    @Bean(defaultCandidate = false)
    public ClientIpKeyResolver clientIpKeyResolver(ClientAddressResolver clientAddressResolver) {
        return new ClientIpKeyResolver(clientAddressResolver);
    }

    @Bean(defaultCandidate = false)
    public ClientTokenKeyResolver clientTokenKeyResolver() {
        return new ClientTokenKeyResolver();
    }

    @Bean
    @ConditionalOnMissingBean
    public ClientRateLimitGatewayFilterFactory clientRateLimitGatewayFilterFactory(
            @Qualifier("clientRateLimiter") ClientRateLimiter clientRateLimiter,
            ClientAddressResolver clientAddressResolver, ClientTokens clientTokens,
            ObjectProvider<MeterRegistry> meterRegistry) {
        return new ClientRateLimitGatewayFilterFactory(clientRateLimiter, clientAddressResolver, clientTokens,
                meterRegistry.getIfUnique());
    }

    /** Only when Spring Cloud Gateway declared none (it needs a default-candidate RateLimiter and KeyResolver). */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnEnabledFilter(RequestRateLimiterGatewayFilterFactory.class)
    public RequestRateLimiterGatewayFilterFactory requestRateLimiterGatewayFilterFactory(
            @Qualifier("clientRateLimiter") ClientRateLimiter clientRateLimiter,
            @Qualifier("clientIpKeyResolver") ClientIpKeyResolver clientIpKeyResolver) {
        return new RequestRateLimiterGatewayFilterFactory(clientRateLimiter, clientIpKeyResolver);
    }

    private static List<ClientProtectionProperties.Token> split(String commaSeparated) {
        if (commaSeparated == null) {
            return List.of();
        }
        ClientTokenConverter converter = new ClientTokenConverter();
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(token -> !token.isEmpty())
                .map(converter::convert).toList();
    }

    /** Fails start-up with a message that names the property and never shows a token. */
    private static void checkTokens(List<String> tokens) {
        if (tokens.isEmpty()) {
            throw new IllegalStateException("No client token configured: set " + TOKENS_PROPERTY + " (or the "
                    + TOKENS_ENVIRONMENT_VARIABLE + " environment variable) to the tokens your applications will send, "
                    + "or set gemini.gateway.client-auth.enabled=false to run without client authentication (open relay)");
        }
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token.contains("${")) {
                throw new IllegalStateException(TOKENS_PROPERTY + "[" + i + "] is an unresolved placeholder: set the "
                        + "variable it names, or the gateway would accept the placeholder text as a token");
            }
            if (token.startsWith("AIza")) {
                throw new IllegalStateException(TOKENS_PROPERTY + "[" + i + "] looks like a Google API key: client "
                        + "tokens are issued by you to your applications and must never be Gemini keys");
            }
        }
        if (tokens.stream().anyMatch(token -> token.length() < 16)) {
            log.warn("A client token in {} is shorter than 16 characters: prefer long random tokens", TOKENS_PROPERTY);
        }
    }
}
