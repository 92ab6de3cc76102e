package dev.geminigateway.filter;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.outcome.GeminiErrorClassifier;
import dev.geminigateway.rotation.FallbackMeter;
import dev.geminigateway.promptcache.PromptCacheAffinity;
import dev.geminigateway.rotation.KeyRotation;
import dev.geminigateway.rotation.PoolThrottle;
import dev.geminigateway.rotation.QuotaGate;
import dev.geminigateway.rotation.RetryBudget;
import dev.geminigateway.rotation.RotationPolicy;
import dev.geminigateway.rotation.UpstreamBreakers;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.web.ErrorAnswers;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.GatewayToStringStyler;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * {@code KeyRotation=<group>[,<group>…]} (or {@code KeyRotation=<group>><group>…} for a priority order): picks a key for the request's (group, model), sets it the way the
 * upstream surface expects, and when the answer is one another key could improve on, throws that answer away and
 * tries the next key, before any byte reaches the client. The walk itself is {@link KeyRotation}'s.
 * <p>
 * It is pinned at {@link #ORDER}, after {@code NettyWriteResponseFilter} (-1) and before
 * {@code RouteToRequestUrlFilter} (10000): when the rest of the chain returns, the upstream status and headers are
 * known but its body is still unread, so a success (a stream too) flows to the client untouched while an error
 * can be read, classified and discarded. Client authentication, rate limits and token counting run before it,
 * once per request.
 */
public class KeyRotationGatewayFilterFactory extends AbstractGatewayFilterFactory<KeyRotationGatewayFilterFactory.Config> {

    public static final int ORDER = 5000;

    /** Groups a shortcut may name; a route with more can use the long form ({@code groups: a,b,…}). */
    static final int MAX_SHORTCUT_GROUPS = 32;

    private static final List<String> SHORTCUT_FIELDS = IntStream.range(0, MAX_SHORTCUT_GROUPS)
            .mapToObj(i -> "groups[" + i + "]").toList();

    private final KeyRegistry registry;
    private final RotationPolicy policy;
    private final KeyRotation rotation;

    public KeyRotationGatewayFilterFactory(KeyRegistry registry, KeySelector selector, GeminiErrorClassifier classifier,
            RotationPolicy policy, RetryBudget retryBudget, PoolThrottle poolThrottle, UpstreamBreakers breakers,
            QuotaGate quota, JsonMapper json, Clock clock) {
        this(registry, selector, classifier, policy, retryBudget, poolThrottle, breakers, quota, json,
                FallbackMeter.NONE, clock, PromptCacheAffinity.OFF);
    }

    /** @param cacheAffinity prompt-cache affinity as configured ({@code gemini.gateway.prompt-cache}, per group) */
    public KeyRotationGatewayFilterFactory(KeyRegistry registry, KeySelector selector, GeminiErrorClassifier classifier,
            RotationPolicy policy, RetryBudget retryBudget, PoolThrottle poolThrottle, UpstreamBreakers breakers,
            QuotaGate quota, JsonMapper json, FallbackMeter fallbacks, Clock clock, PromptCacheAffinity cacheAffinity) {
        super(Config.class);
        this.registry = registry;
        this.policy = policy;
        this.rotation = new KeyRotation(registry, selector, classifier, retryBudget, poolThrottle, breakers, quota,
                new ErrorAnswers(json, policy.rawErrors()), fallbacks, clock, cacheAffinity);
    }

    /**
     * The shortcut's comma-separated values fill {@code groups[0]}, {@code groups[1]}, … The gateway's
     * {@code GATHER_LIST} would be shorter, but it applies to the long {@code args:} form too, where it turns every
     * named argument ({@code max-attempts}, {@code deadline}, …) into a group name; the default type renames only the
     * shortcut's positional values and leaves named ones alone.
     */
    @Override
    public List<String> shortcutFieldOrder() {
        return SHORTCUT_FIELDS;
    }

    @Override
    public GatewayFilter apply(Config config) {
        for (String group : config.getGroups()) {
            if (registry.group(group).isEmpty()) {
                throw new IllegalArgumentException("KeyRotation names key group '" + group
                        + "', which is not configured; configured groups: " + registry.groupNames());
            }
        }
        RotationPolicy route = policy.forRoute(config.getMaxAttempts(), config.getDeadline(), config.getMaxWait())
                .withCacheAffinity(config.getPromptCacheAffinity());
        boolean failover = Boolean.TRUE.equals(config.getFailover());
        GatewayFilter rotate = new GatewayFilter() {
            @Override
            public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
                return rotation.rotate(exchange, chain, config.getGroups(), failover, route);
            }

            @Override
            public String toString() {
                return GatewayToStringStyler.filterToStringCreator(KeyRotationGatewayFilterFactory.this)
                        .append("groups", String.join(failover ? ">" : ",", config.getGroups()))
                        .append("maxAttempts", config.getMaxAttempts())
                        .append("deadline", config.getDeadline())
                        .append("maxWait", config.getMaxWait())
                        .append("promptCacheAffinity", config.getPromptCacheAffinity())
                        .toString();
            }
        };
        return new OrderedGatewayFilter(rotate, ORDER);
    }

    public static class Config {

        private List<String> groups = new ArrayList<>();
        private Integer maxAttempts;
        private Duration deadline;
        private Duration maxWait;
        private Boolean failover;
        private Boolean promptCacheAffinity;

        public Boolean getPromptCacheAffinity() {
            return promptCacheAffinity;
        }

        /** Prompt-cache affinity on this route (null: as the key group says). */
        public Config setPromptCacheAffinity(Boolean promptCacheAffinity) {
            this.promptCacheAffinity = promptCacheAffinity;
            return this;
        }

        public List<String> getGroups() {
            return groups;
        }

        /**
         * Entries may themselves be separated by commas ({@code "pro,default"}: the model picks the group) or by
         * {@code >} ({@code "free>paid"}: a priority order, which turns {@link #setFailover failover} on; the route
         * shortcut {@code KeyRotation=free>paid} is the way to say it in YAML).
         */
        public Config setGroups(List<String> groups) {
            List<String> names = new ArrayList<>();
            for (String entry : groups) {
                if (entry.contains(">")) {
                    failover = true;
                }
                for (String name : entry.split("[,>]")) {
                    if (!name.isBlank()) {
                        names.add(name.strip());
                    }
                }
            }
            this.groups = names;
            return this;
        }

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public Config setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Duration getDeadline() {
            return deadline;
        }

        public Config setDeadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public Config setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
            return this;
        }

        /** True: {@code groups} is a priority order, the next serving when the one before cannot (§5.1). */
        public Boolean getFailover() {
            return failover;
        }

        public Config setFailover(Boolean failover) {
            this.failover = failover;
            return this;
        }
    }
}
