package dev.geminigateway.promptcache;

import java.util.Map;

import org.springframework.web.server.ServerWebExchange;

import dev.geminigateway.selection.PreferredProjects;
import dev.geminigateway.web.GatewayErrors;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.Surface;

/**
 * Prompt-cache affinity (ARCHITECTURE.md §5): a generation request whose prompt is long enough for Gemini's implicit
 * cache gets a {@link PreferredProjects} order from the fingerprint of its prefix, so that requests repeating a
 * long prefix go to the project that has it cached while that project has headroom. On by default (the discount is
 * free); off per group ({@code groups.<g>.prompt-cache-affinity}) or per route ({@code KeyRotation}'s
 * {@code promptCacheAffinity}), the route's word winning. Holds no per-request state: nothing to bound, nothing to
 * share between replicas.
 */
public final class PromptCacheAffinity {

    /** Bytes per token assumed when sizing the window: Gemini counts about four characters a token in English. */
    static final int BYTES_PER_TOKEN = 4;

    public static final PromptCacheAffinity OFF = new PromptCacheAffinity(false, Map.of(), Map.of());

    private final boolean enabled;
    private final Map<String, Boolean> groups;
    private final CacheMinimums minimums;

    /**
     * @param enabled   the default of every group and route
     * @param groups    groups that say otherwise, by name
     * @param minTokens cache minimums by model that replace the built-in ones
     */
    public PromptCacheAffinity(boolean enabled, Map<String, Boolean> groups, Map<String, Integer> minTokens) {
        this.enabled = enabled;
        this.groups = Map.copyOf(groups);
        this.minimums = new CacheMinimums(minTokens);
    }

    /**
     * The project order this request should prefer, or null when it has none (affinity off here, a model without
     * implicit caching, a prompt shorter than its minimum, not a generation call).
     *
     * @param route           the route's own setting, null to follow the group
     * @param estimatedTokens the request's estimated input tokens
     */
    public PreferredProjects preference(ServerWebExchange exchange, String group, String model, byte[] body,
            long estimatedTokens, Boolean route) {
        if (!(route != null ? route : groups.getOrDefault(group, enabled))) {
            return null;
        }
        // Most prompts are shorter than any model's minimum: no need to look the model up (two pattern matches).
        if (estimatedTokens < minimums.smallest() || body.length < minimums.smallest()) {
            return null;
        }
        int minimum = minimums.tokens(model);
        if (minimum <= 0 || estimatedTokens < minimum || body.length < minimum || !generates(exchange)) {
            return null;
        }
        Surface surface = exchange.getAttribute(GeminiExchangeAttributes.SURFACE);
        long fingerprint = PrefixFingerprint.of(surface != null ? surface : GatewayErrors.surfaceOf(exchange), body,
                minimum * BYTES_PER_TOKEN);
        return fingerprint == PrefixFingerprint.NONE ? null : new PreferredProjects(fingerprint);
    }

    /** Whether the group would use affinity on a route that does not say. */
    public boolean enabledFor(String group) {
        return groups.getOrDefault(group, enabled);
    }

    private static boolean generates(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().value();
        return path.endsWith(":generateContent") || path.endsWith(":streamGenerateContent")
                || path.endsWith("/chat/completions");
    }
}
