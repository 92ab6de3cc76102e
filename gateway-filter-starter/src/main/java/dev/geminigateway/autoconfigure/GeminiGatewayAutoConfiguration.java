package dev.geminigateway.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import dev.geminigateway.attempt.UsageListener;
import dev.geminigateway.egress.GroupUpstreams;
import dev.geminigateway.filter.KeyHealthFeedbackGatewayFilterFactory;
import dev.geminigateway.filter.KeyRotationGatewayFilterFactory;
import dev.geminigateway.health.KeyHealthRecorder;
import dev.geminigateway.health.KeyProber;
import dev.geminigateway.health.OpenStreams;
import dev.geminigateway.health.SuspectKeyCheck;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.outcome.GeminiErrorClassifier;
import dev.geminigateway.promptcache.PromptCacheAffinity;
import dev.geminigateway.rotation.Backoff;
import dev.geminigateway.rotation.FallbackMeter;
import dev.geminigateway.rotation.PoolThrottle;
import dev.geminigateway.rotation.QuotaGate;
import dev.geminigateway.rotation.RetryBudget;
import dev.geminigateway.rotation.RotationPolicy;
import dev.geminigateway.rotation.UpstreamBreakers;
import dev.geminigateway.route.GeminiSurfaceRoutePredicateFactory;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.store.KeyStateStore;
import dev.geminigateway.web.GatewayJson;
import dev.geminigateway.web.GeminiApiErrorHandler;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
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
            groups.add(new KeyGroup(name, keys, entry.getValue().models(), entry.getValue().fallbackModels()));
        }
        return new KeyRegistry(groups);
    }

    /** Models named in the configuration (groups' models and per-model quotas) plus Gemini's catalogue. */
    @Bean
    @ConditionalOnMissingBean
    KnownModels geminiKnownModels(GeminiGatewayProperties properties) {
        List<String> configured = new ArrayList<>();
        properties.groups().values().forEach(group -> {
            configured.addAll(group.models());
            configured.addAll(group.quotas().keySet());
        });
        return new KnownModels(configured);
    }

    @Bean
    @ConditionalOnMissingBean
    KeyStateStore geminiKeyStateStore() {
        return new InMemoryKeyStateStore();
    }

    @Bean
    @ConditionalOnMissingBean
    KeySelector geminiKeySelector(KeyStateStore store, KnownModels models, GeminiGatewayProperties properties) {
        return QuotaAutoConfiguration.selector(store, null, models, properties);
    }

    @Bean
    @ConditionalOnMissingBean
    GeminiErrorClassifier geminiErrorClassifier(Clock clock) {
        return new GeminiErrorClassifier(GatewayJson.MAPPER, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    KeyHealthRecorder geminiKeyHealthRecorder(KeyStateStore store, Clock clock, GeminiGatewayProperties properties,
            KnownModels models, SuspectKeyCheck suspects) {
        GeminiGatewayProperties.Sideline sideline = properties.sideline();
        return new KeyHealthRecorder(store, clock, sideline.failureThreshold(), sideline.duration(),
                properties.rotation().quotaJitter(), models, suspects);
    }

    /** A suspect 403's probe verdict is shared for a minute: a burst of them costs one models listing per key. */
    @Bean
    @ConditionalOnMissingBean
    SuspectKeyCheck geminiSuspectKeyCheck(KeyProber prober, Clock clock) {
        return new SuspectKeyCheck(prober::status, clock, java.time.Duration.ofMinutes(1));
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
    UpstreamBreakers geminiUpstreamBreakers(GeminiGatewayProperties properties, KnownModels models) {
        GeminiGatewayProperties.Rotation rotation = properties.rotation();
        return new UpstreamBreakers(rotation.upstreamBreakerWindow(), rotation.upstreamBreakerFailureRate(),
                rotation.upstreamBreakerOpen(), models);
    }

    @Bean
    KeyRotationGatewayFilterFactory keyRotationGatewayFilterFactory(KeyRegistry registry, KeySelector selector,
            GeminiErrorClassifier classifier, GeminiGatewayProperties properties, RetryBudget retryBudget,
            PoolThrottle poolThrottle, UpstreamBreakers breakers, Clock clock, ObjectProvider<MeterRegistry> meters) {
        return new KeyRotationGatewayFilterFactory(registry, selector, classifier, rotationPolicy(properties.rotation()),
                retryBudget, poolThrottle, breakers, QuotaGate.of(selector.quota().orElse(null)),
                GatewayJson.MAPPER, new FallbackMeter(meters.getIfAvailable()), clock,
                promptCacheAffinity(properties));
    }

    static PromptCacheAffinity promptCacheAffinity(GeminiGatewayProperties properties) {
        Map<String, Boolean> groups = new HashMap<>();
        properties.groups().forEach((name, group) -> {
            if (group.promptCacheAffinity() != null) {
                groups.put(name, group.promptCacheAffinity());
            }
        });
        return new PromptCacheAffinity(properties.promptCache().affinity(), groups,
                properties.promptCache().minTokens());
    }

    static RotationPolicy rotationPolicy(GeminiGatewayProperties.Rotation rotation) {
        return new RotationPolicy(rotation.maxAttempts(), rotation.deadline(), rotation.maxWait(),
                rotation.maxBodyBytes(), new Backoff(rotation.backoffBase(), rotation.backoffMax()),
                rotation.upstreamBreakerOpen(), rotation.rawErrors());
    }

    @Bean
    KeyHealthFeedbackGatewayFilterFactory keyHealthFeedbackGatewayFilterFactory(KeyHealthRecorder recorder,
            KeyProber prober, ObjectProvider<UsageListener> usageListeners, ObjectProvider<OpenStreams> openStreams) {
        return new KeyHealthFeedbackGatewayFilterFactory(recorder, prober, usageListeners.orderedStream().toList(),
                openStreams.getIfAvailable());
    }

    /**
     * Streams still open when graceful shutdown's bound is near get their surface's error event instead of a cut
     * connection: a tenth of the bound before it (at least two seconds, at most half of it). The floor leaves room for
     * a busy replica's timer to fire late: one second proved too little in a loaded test run.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "server.shutdown", havingValue = "graceful", matchIfMissing = true)
    OpenStreams geminiOpenStreams(Environment environment) {
        Duration grace = Binder.get(environment).bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .orElse(Duration.ofSeconds(30));
        Duration margin = grace.dividedBy(10);
        margin = margin.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : margin;
        margin = margin.compareTo(grace.dividedBy(2)) > 0 ? grace.dividedBy(2) : margin;
        return new OpenStreams(grace, margin);
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
