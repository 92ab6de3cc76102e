package dev.geminigateway.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.egress.GroupUpstreams;
import dev.geminigateway.filter.KeyHealthFeedbackGatewayFilterFactory;
import dev.geminigateway.filter.KeyRotationGatewayFilterFactory;
import dev.geminigateway.filter.UsageListener;
import dev.geminigateway.health.KeyHealthRecorder;
import dev.geminigateway.health.KeyProber;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.outcome.GeminiErrorClassifier;
import dev.geminigateway.rotation.PoolThrottle;
import dev.geminigateway.rotation.RetryBudget;
import dev.geminigateway.rotation.UpstreamBreakers;
import dev.geminigateway.route.GeminiSurfaceRoutePredicateFactory;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.store.KeyStateStore;
import dev.geminigateway.web.GeminiApiErrorHandler;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** Contributes the Gemini key-rotation filters, the key-state store and their support beans. */
@AutoConfiguration
@ConditionalOnClass(AbstractGatewayFilterFactory.class)
@EnableConfigurationProperties(GeminiGatewayProperties.class)
@Import(EgressConfiguration.class)
public class GeminiGatewayAutoConfiguration {

    @Bean
    @ConfigurationPropertiesBinding
    static KeyEntryConverter geminiKeyEntryConverter() {
        return new KeyEntryConverter();
    }

    @Bean
    @ConditionalOnMissingBean
    Clock geminiGatewayClock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    KeyRegistry geminiKeyRegistry(GeminiGatewayProperties properties) {
        List<KeyGroup> groups = new ArrayList<>();
        for (Map.Entry<String, GeminiGatewayProperties.Group> entry : properties.groups().entrySet()) {
            String name = entry.getKey();
            List<ApiKey> keys = new ArrayList<>();
            for (GeminiGatewayProperties.KeyEntry key : entry.getValue().keys()) {
                if (key != null && key.key() != null && !key.key().isBlank()) {
                    keys.add(new ApiKey(key.key(), key.project(), key.label(), name));
                }
            }
            groups.add(new KeyGroup(name, keys, entry.getValue().models()));
        }
        return new KeyRegistry(groups);
    }

    @Bean
    @ConditionalOnMissingBean
    KeyStateStore geminiKeyStateStore() {
        return new InMemoryKeyStateStore();
    }

    @Bean
    @ConditionalOnMissingBean
    KeySelector geminiKeySelector(KeyStateStore store) {
        return new KeySelector(store);
    }

    @Bean
    @ConditionalOnMissingBean
    GeminiErrorClassifier geminiErrorClassifier(Clock clock) {
        return new GeminiErrorClassifier(JsonMapper.builder().build(), clock);
    }

    @Bean
    @ConditionalOnMissingBean
    KeyHealthRecorder geminiKeyHealthRecorder(KeyStateStore store, Clock clock, GeminiGatewayProperties properties) {
        return new KeyHealthRecorder(store, clock, properties.bench().failureThreshold(), properties.bench().duration(),
                properties.rotation().quotaJitter());
    }

    @Bean
    @ConditionalOnMissingBean
    KeyProber geminiKeyProber(KeyRegistry registry, KeyStateStore store, GroupUpstreams upstreams) {
        return new KeyProber(registry, store, upstreams);
    }

    @Bean
    QuarantineProbeSchedule geminiQuarantineProbeSchedule(KeyProber prober, GeminiGatewayProperties properties) {
        return new QuarantineProbeSchedule(prober, properties.probe().interval());
    }

    @Bean
    @ConditionalOnMissingBean
    RetryBudget geminiRetryBudget(GeminiGatewayProperties properties) {
        return new RetryBudget(properties.rotation().retryBudgetRatio(), properties.rotation().retryBudgetMin());
    }

    @Bean
    @ConditionalOnMissingBean
    PoolThrottle geminiPoolThrottle(GeminiGatewayProperties properties, Clock clock) {
        GeminiGatewayProperties.Rotation rotation = properties.rotation();
        return new PoolThrottle(rotation.capacityThreshold(), rotation.capacityWindow(), rotation.capacityHold(), clock);
    }

    @Bean
    @ConditionalOnMissingBean
    UpstreamBreakers geminiUpstreamBreakers(GeminiGatewayProperties properties) {
        GeminiGatewayProperties.Rotation rotation = properties.rotation();
        return new UpstreamBreakers(rotation.upstreamBreakerWindow(), rotation.upstreamBreakerFailureRate(),
                rotation.upstreamBreakerOpen());
    }

    @Bean
    KeyRotationGatewayFilterFactory keyRotationGatewayFilterFactory(KeyRegistry registry, KeySelector selector,
            GeminiErrorClassifier classifier, GeminiGatewayProperties properties, RetryBudget retryBudget,
            PoolThrottle poolThrottle, UpstreamBreakers breakers, Clock clock) {
        return new KeyRotationGatewayFilterFactory(registry, selector, classifier, properties.rotation(), retryBudget,
                poolThrottle, breakers, JsonMapper.builder().build(), clock);
    }

    @Bean
    KeyHealthFeedbackGatewayFilterFactory keyHealthFeedbackGatewayFilterFactory(KeyHealthRecorder recorder,
            KeyProber prober, ObjectProvider<UsageListener> usageListeners) {
        return new KeyHealthFeedbackGatewayFilterFactory(recorder, prober, usageListeners.orderedStream().toList());
    }

    @Bean
    @ConditionalOnMissingBean
    GeminiApiErrorHandler geminiApiErrorHandler() {
        return new GeminiApiErrorHandler();
    }

    @Bean
    GeminiSurfaceRoutePredicateFactory geminiSurfaceRoutePredicateFactory() {
        return new GeminiSurfaceRoutePredicateFactory();
    }

    @Bean
    static RouteGroupValidator geminiRouteGroupValidator(GatewayProperties gateway, KeyRegistry registry) {
        return new RouteGroupValidator(gateway, registry);
    }

    /** Probes quarantined keys every interval on a daemon timer; stops with the context. */
    static final class QuarantineProbeSchedule implements DisposableBean {

        private final reactor.core.Disposable task;

        QuarantineProbeSchedule(KeyProber prober, java.time.Duration interval) {
            this.task = reactor.core.publisher.Flux.interval(interval, interval)
                    .onBackpressureDrop()
                    .concatMap(tick -> prober.probeQuarantined().onErrorReturn(0L))
                    .subscribe();
        }

        @Override
        public void destroy() {
            task.dispose();
        }
    }
}
