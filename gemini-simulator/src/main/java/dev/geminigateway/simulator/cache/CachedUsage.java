package dev.geminigateway.simulator.cache;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts implicitly cached tokens into an answer's usage, as Gemini reports them: native
 * {@code usageMetadata.cachedContentTokenCount} (part of {@code promptTokenCount}) with {@code cacheTokensDetails},
 * OpenAI {@code usage.prompt_tokens_details.cached_tokens}. A usage that already names cached tokens (an explicit
 * cached content) is left as it is; nothing is added when nothing was cached.
 */
public final class CachedUsage {

    private CachedUsage() {
    }

    public static ObjectNode addNative(ObjectNode response, long cachedTokens) {
        if (cachedTokens > 0 && response.get("usageMetadata") instanceof ObjectNode usage
                && !usage.has("cachedContentTokenCount")) {
            usage.put("cachedContentTokenCount", cachedTokens);
            ObjectNode detail = usage.putArray("cacheTokensDetails").addObject();
            detail.put("modality", "TEXT");
            detail.put("tokenCount", cachedTokens);
        }
        return response;
    }

    public static ObjectNode addOpenAi(ObjectNode response, long cachedTokens) {
        if (cachedTokens > 0 && response.get("usage") instanceof ObjectNode usage) {
            JsonNode details = usage.get("prompt_tokens_details");
            ObjectNode target = details instanceof ObjectNode existing ? existing
                    : usage.putObject("prompt_tokens_details");
            if (!target.has("cached_tokens")) {
                target.put("cached_tokens", cachedTokens);
            }
        }
        return response;
    }
}
