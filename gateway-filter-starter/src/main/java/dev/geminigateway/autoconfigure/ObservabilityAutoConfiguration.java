package dev.geminigateway.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.geminigateway.client.ClientBudgets;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.admin.AdminPlaneFirewall;
import dev.geminigateway.admin.AdminSecurity;
import dev.geminigateway.admin.AdminToken;
import dev.geminigateway.web.GatewayErrors;
import dev.geminigateway.admin.AuditLog;
import dev.geminigateway.admin.ConsoleViews;
import dev.geminigateway.admin.GeminiConsoleEndpoint;
import dev.geminigateway.admin.GeminiKeysEndpoint;
import dev.geminigateway.admin.QuotaHeadroomViews;
import dev.geminigateway.admin.KeyAdministration;
import dev.geminigateway.admin.QuotaLimitViews;
import dev.geminigateway.health.KeyProber;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.observability.AttemptMetricsFilter;
import dev.geminigateway.observability.ConsoleRecorder;
import dev.geminigateway.observability.GatewayMetrics;
import dev.geminigateway.observability.GeminiKeysHealthIndicator;
import dev.geminigateway.observability.KeyAttemptStats;
import dev.geminigateway.observability.KeyPoolInspector;
import dev.geminigateway.observability.KeyStateGauges;
import dev.geminigateway.observability.KeyValidation;
import dev.geminigateway.observability.PromptCacheStats;
import dev.geminigateway.observability.RecentErrors;
import dev.geminigateway.observability.RequestIdWebFilter;
import dev.geminigateway.observability.RequestObservationFilter;
import dev.geminigateway.observability.TrafficHistory;
import dev.geminigateway.quota.QuotaLimitSources;
import dev.geminigateway.quota.QuotaPolicy;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.store.KeyStateStore;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;

/**
 * Metrics, request ids, the access log, the {@code geminiKeys} health indicator and the {@code geminikeys} admin
 * endpoint with its security chain.
 * <p>
 * The admin endpoint exists only with Spring Security on the classpath ({@code spring-boot-starter-security}, an
 * optional dependency of this starter): without it nothing could guard it. The chain guards every actuator endpoint
 * except health and prometheus (Kubernetes probes and scrapes carry no token) and nothing else: gateway routes keep
 * their own {@code ClientAuth}. It runs before Boot's management security, which then backs off.
 */
@AutoConfiguration(after = GeminiGatewayAutoConfiguration.class, beforeName = {
        "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration" })
@ConditionalOnClass(name = "org.springframework.cloud.gateway.filter.GlobalFilter")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(GeminiGatewayProperties.class)
public class ObservabilityAutoConfiguration {

    static final String ADMIN_TOKEN_ENVIRONMENT_VARIABLE = "GATEWAY_ADMIN_TOKEN";

    private static final Logger log = LoggerFactory.getLogger(ObservabilityAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    KeyAttemptStats geminiKeyAttemptStats() {
        return new KeyAttemptStats();
    }

    @Bean
    @ConditionalOnMissingBean
    GatewayMetrics geminiGatewayMetrics(ObjectProvider<MeterRegistry> meters, KeyRegistry registry,
            GeminiGatewayProperties properties) {
        return new GatewayMetrics(meters.getIfAvailable(SimpleMeterRegistry::new), registry,
                properties.metrics().perKeyTags(), properties.metrics().maxKeyTags());
    }

    /** Cached input tokens per project and model, from every answer's usage (a UsageListener). */
    @Bean
    @ConditionalOnMissingBean
    PromptCacheStats geminiPromptCacheStats(ObjectProvider<MeterRegistry> meters, ObjectProvider<KnownModels> models) {
        return new PromptCacheStats(meters.getIfAvailable(SimpleMeterRegistry::new),
                models.getIfAvailable(KnownModels::catalogue));
    }

    @Bean
    @ConditionalOnMissingBean
    KeyPoolInspector geminiKeyPoolInspector(KeyRegistry registry, KeyStateStore store, Clock clock) {
        return new KeyPoolInspector(registry, store, clock);
    }

    @Bean
    KeyStateGauges geminiKeyStateGauges(KeyPoolInspector inspector, KeyRegistry registry) {
        return new KeyStateGauges(inspector, registry);
    }

    /** The console's last hour: (group, model) series kept at most; more share nothing and are not drawn. */
    static final int CONSOLE_MAX_SERIES = 256;
    /** The console's recent upstream errors. */
    static final int CONSOLE_RECENT_ERRORS = 200;
    /** The headroom view's wait for each ledger read (the Redis ledgers' own timeout applies first). */
    static final Duration CONSOLE_LEDGER_TIMEOUT = Duration.ofSeconds(2);

    @Bean
    @ConditionalOnMissingBean
    TrafficHistory geminiTrafficHistory(Clock clock, ObjectProvider<KnownModels> models) {
        return new TrafficHistory(clock, models.getIfAvailable(KnownModels::catalogue), CONSOLE_MAX_SERIES);
    }

    @Bean
    @ConditionalOnMissingBean
    RecentErrors geminiRecentErrors() {
        return new RecentErrors(CONSOLE_RECENT_ERRORS);
    }

    @Bean
    @ConditionalOnMissingBean
    ConsoleRecorder geminiConsoleRecorder(TrafficHistory history, RecentErrors errors, Clock clock) {
        return new ConsoleRecorder(history, errors, clock);
    }

    @Bean
    RequestObservationFilter geminiRequestObservationFilter(GatewayMetrics metrics, ConsoleRecorder console) {
        return new RequestObservationFilter(metrics, console);
    }

    @Bean
    AttemptMetricsFilter geminiAttemptMetricsFilter(GatewayMetrics metrics, KeyAttemptStats stats,
            KeyStateStore store, Clock clock) {
        return new AttemptMetricsFilter(metrics, stats, store, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    RequestIdWebFilter geminiRequestIdWebFilter() {
        // lets spring.reactor.context-propagation=auto carry the request id into the MDC of every log line
        ContextRegistry.getInstance().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor(RequestIdWebFilter.MDC_KEY));
        return new RequestIdWebFilter();
    }

    @Bean
    @ConditionalOnMissingBean
    KeyValidation geminiKeyValidation(KeyRegistry registry, KeyProber prober, Clock clock,
            GeminiGatewayProperties properties) {
        return new KeyValidation(registry, prober, clock, properties.keyValidation().cacheFor(),
                properties.keyValidation().concurrency());
    }

    /** Contributor name {@code geminiKeys} (Boot drops the {@code HealthIndicator} suffix of the bean name). */
    @Bean
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.ReactiveHealthIndicator")
    @ConditionalOnMissingBean(name = "geminiKeysHealthIndicator")
    GeminiKeysHealthIndicator geminiKeysHealthIndicator(KeyPoolInspector inspector) {
        return new GeminiKeysHealthIndicator(inspector);
    }

    /** The admin token: gemini.gateway.admin.token, else the GATEWAY_ADMIN_TOKEN environment variable. */
    @Bean
    @ConditionalOnMissingBean
    AdminToken geminiAdminToken(GeminiGatewayProperties properties, Environment environment) {
        String token = properties.admin().token();
        if (token == null || token.isBlank()) {
            token = environment.getProperty(ADMIN_TOKEN_ENVIRONMENT_VARIABLE);
        }
        if (token == null || token.isBlank()) {
            log.warn("No admin token (gemini.gateway.admin.token or {}): actuator endpoints other than health "
                    + "and prometheus refuse every request", ADMIN_TOKEN_ENVIRONMENT_VARIABLE);
        }
        else if (token.strip().length() < 16) {
            log.warn("The admin token is shorter than 16 characters: use a long random token");
        }
        return new AdminToken(token);
    }

    @Bean
    @ConditionalOnMissingBean
    AuditLog geminiAuditLog(Clock clock) {
        return new AuditLog(clock);
    }

    @Bean
    @ConditionalOnMissingBean
    KeyAdministration geminiKeyAdministration(KeyRegistry registry, KeyStateStore store, KeyProber prober,
            KeyAttemptStats stats, KeyPoolInspector inspector, AuditLog audit, Clock clock,
            ObjectProvider<QuotaLimitSources> quotaLimitSources, ObjectProvider<QuotaPolicy> quotaPolicy,
            ObjectProvider<KeySelector> selector, ObjectProvider<ClientBudgets> budgets,
            ObjectProvider<PromptCacheStats> promptCache) {
        QuotaLimitSources sources = quotaLimitSources.getIfUnique();
        QuotaPolicy policy = quotaPolicy.getIfUnique();
        KeySelector keySelector = selector.getIfUnique();
        return new KeyAdministration(registry, store, prober, stats, inspector, audit, clock,
                sources == null || policy == null ? null : new QuotaLimitViews(registry, sources, policy),
                keySelector == null ? null : keySelector.scores(), budgets.getIfUnique())
                .withPromptCache(promptCache.getIfUnique());
    }

    @Bean
    @ConditionalOnMissingBean
    ConsoleViews geminiConsoleViews(TrafficHistory history, RecentErrors errors, AuditLog audit,
            KeyAdministration administration) {
        return new ConsoleViews(history, errors, audit, administration);
    }

    /** Only with quota scheduling's beans (the quota auto-configuration makes them unless switched off). */
    @Bean
    @ConditionalOnMissingBean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnBean({ QuotaScheduler.class,
            QuotaLimitSources.class, QuotaPolicy.class })
    QuotaHeadroomViews geminiQuotaHeadroomViews(KeyRegistry registry, QuotaLimitSources sources, QuotaPolicy policy,
            QuotaScheduler scheduler, KeyStateStore store, Clock clock) {
        return new QuotaHeadroomViews(new QuotaLimitViews(registry, sources, policy), scheduler, store, registry,
                clock, CONSOLE_LEDGER_TIMEOUT);
    }

    /** The admin endpoint and the chain that guards the management endpoints, only with Spring Security. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ ServerHttpSecurity.class, EndpointRequest.class })
    static class AdminEndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        GeminiKeysEndpoint geminiKeysEndpoint(KeyAdministration administration) {
            return new GeminiKeysEndpoint(administration);
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        GeminiConsoleEndpoint geminiConsoleEndpoint(ConsoleViews console, ObjectProvider<QuotaHeadroomViews> headroom) {
            return new GeminiConsoleEndpoint(console, headroom.getIfAvailable());
        }

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE + 100)
        @ConditionalOnMissingBean(name = "geminiAdminSecurityWebFilterChain")
        SecurityWebFilterChain geminiAdminSecurityWebFilterChain(ServerHttpSecurity http, AdminToken adminToken,
                Environment environment) {
            return AdminSecurity.chain(http, AdminSecurity.underBasePath(endpointsBasePath(environment),
                    EndpointRequest.toAnyEndpoint().excluding("health", "prometheus")), adminToken);
        }

        /**
         * The strict firewall, its per-read header checks confined to the management endpoints while the admin chain
         * is the only security chain (proxied requests are matched by none).
         */
        @Bean
        @ConditionalOnMissingBean
        ServerWebExchangeFirewall geminiAdminPlaneFirewall(Environment environment, ListableBeanFactory beans) {
            // bean definitions only: every chain is defined by now, and no factory bean is created early to ask
            String[] chains = beans.getBeanNamesForType(SecurityWebFilterChain.class, true, false);
            return new AdminPlaneFirewall(endpointsBasePath(environment),
                    Arrays.equals(chains, new String[] { "geminiAdminSecurityWebFilterChain" }));
        }

        /** On the application's port only paths under the actuator base path can be endpoints; null: anywhere. */
        private static String endpointsBasePath(Environment environment) {
            if (ManagementPortType.get(environment) != ManagementPortType.SAME) {
                return null;
            }
            String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
            return basePath.isEmpty() || basePath.equals("/") ? null : basePath;
        }

        /**
         * Spring Security's firewall rejects path tricks (encoded slashes, "..", NUL) with an empty 400; this
         * answers them in the caller's SDK format like every other gateway error.
         */
        @Bean
        @ConditionalOnMissingBean
        ServerExchangeRejectedHandler geminiExchangeRejectedHandler() {
            return (exchange, rejected) -> GatewayErrors.write(exchange, HttpStatus.BAD_REQUEST,
                    "The request path was rejected", "invalid_request_error");
        }
    }
}
