package dev.geminigateway.rotation;

import java.time.Clock;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.outcome.GeminiErrorClassifier;
import dev.geminigateway.promptcache.PromptCacheAffinity;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.selection.PreferredProjects;
import dev.geminigateway.web.BodyTooLargeException;
import dev.geminigateway.web.ErrorAnswers;
import dev.geminigateway.web.GatewayErrors;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.InvalidModelException;
import dev.geminigateway.web.RequestBodyCache;
import dev.geminigateway.web.RequestModel;

/**
 * The work of the {@code KeyRotation} filter for one request: reads its body (capped), finds the model it names
 * and the first of the route's key groups that serves it, and walks that group's keys ({@link AttemptLoop}) until
 * an answer can go to the client. Once it has, the request body is released: a long stream does not hold it.
 */
public final class KeyRotation {

    private final KeyRegistry registry;
    final KeySelector selector;
    final GeminiErrorClassifier classifier;
    final RetryBudget retryBudget;
    final PoolThrottle poolThrottle;
    final UpstreamBreakers breakers;
    final QuotaGate quota;
    final ErrorAnswers answers;
    final FallbackMeter fallbacks;
    final Clock clock;
    private final PromptCacheAffinity cacheAffinity;

    public KeyRotation(KeyRegistry registry, KeySelector selector, GeminiErrorClassifier classifier,
            RetryBudget retryBudget, PoolThrottle poolThrottle, UpstreamBreakers breakers, QuotaGate quota,
            ErrorAnswers answers, Clock clock) {
        this(registry, selector, classifier, retryBudget, poolThrottle, breakers, quota, answers, FallbackMeter.NONE,
                clock, PromptCacheAffinity.OFF);
    }

    /**
     * @param fallbacks counts requests sent with a group's fallback model
     * @param cacheAffinity which requests prefer a project by their prompt prefix (ARCHITECTURE.md §5)
     */
    public KeyRotation(KeyRegistry registry, KeySelector selector, GeminiErrorClassifier classifier,
            RetryBudget retryBudget, PoolThrottle poolThrottle, UpstreamBreakers breakers, QuotaGate quota,
            ErrorAnswers answers, FallbackMeter fallbacks, Clock clock, PromptCacheAffinity cacheAffinity) {
        this.fallbacks = fallbacks;
        this.registry = registry;
        this.selector = selector;
        this.classifier = classifier;
        this.retryBudget = retryBudget;
        this.poolThrottle = poolThrottle;
        this.breakers = breakers;
        this.quota = quota;
        this.answers = answers;
        this.clock = clock;
        this.cacheAffinity = cacheAffinity;
    }

    /** Serves the request with a key of one of {@code groups}, within the route's {@code policy}. */
    public Mono<Void> rotate(ServerWebExchange exchange, GatewayFilterChain chain, List<String> groups,
            RotationPolicy policy) {
        return rotate(exchange, chain, groups, false, policy);
    }

    /**
     * Serves the request with a key of one of {@code groups}, within the route's {@code policy}; with
     * {@code failover}, the groups are a priority order: the first that can serve the model does (§5.1).
     */
    public Mono<Void> rotate(ServerWebExchange exchange, GatewayFilterChain chain, List<String> groups,
            boolean failover, RotationPolicy policy) {
        exchange.getAttributes().putIfAbsent(GeminiExchangeAttributes.SURFACE, GatewayErrors.surfaceOf(exchange));
        return RequestBodyCache.read(exchange, policy.maxBodyBytes())
                .flatMap(body -> {
                    String model = modelOf(exchange, body);
                    List<Tier> tiers = Tier.of(registry, groups, model, failover);
                    if (tiers.isEmpty()) {
                        return GatewayErrors.write(exchange, HttpStatus.BAD_REQUEST,
                                "No key group of this route serves model '" + model + "'", "invalid_request_error");
                    }
                    exchange.getAttributes().put(GeminiExchangeAttributes.KEY_GROUP, tiers.get(0).group().name());
                    retryBudget.onRequest();
                    long estimate = estimatedTokens(exchange, body);
                    preferProjects(exchange, tiers.get(0).group(), model, body, estimate, policy);
                    return new AttemptLoop(this, policy, exchange, chain, tiers, estimate).start();
                })
                .onErrorResume(BodyTooLargeException.class, e -> GatewayErrors.write(exchange,
                        HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage(), "invalid_request_error"))
                .onErrorResume(InvalidModelException.class, e -> GatewayErrors.write(exchange,
                        HttpStatus.BAD_REQUEST, e.getReason(), "invalid_request_error"))
                .doFinally(signal -> RequestBodyCache.release(exchange));
    }

    private void preferProjects(ServerWebExchange exchange, KeyGroup group, String model, byte[] body, long estimate,
            RotationPolicy policy) {
        PreferredProjects preferred = cacheAffinity.preference(exchange, group.name(), model, body, estimate,
                policy.cacheAffinity());
        if (preferred != null) {
            exchange.getAttributes().put(GeminiExchangeAttributes.PREFERRED_PROJECTS, preferred);
        }
    }

    private static String modelOf(ServerWebExchange exchange, byte[] body) {
        String model = exchange.getAttribute(GeminiExchangeAttributes.MODEL);
        if (model == null) {
            model = RequestModel.find(exchange.getRequest().getPath().value(), body);
            if (model != null) {
                exchange.getAttributes().put(GeminiExchangeAttributes.MODEL, model);
            }
        }
        return model;
    }

    /** Input tokens TokenLimit estimated, else a quarter of the body's bytes: what a quota reservation holds. */
    private static long estimatedTokens(ServerWebExchange exchange, byte[] body) {
        Object estimate = exchange.getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS);
        if (estimate instanceof Number number && number.longValue() >= 0) {
            return number.longValue();
        }
        return Math.max(1, (body.length + 3) / 4);
    }
}
