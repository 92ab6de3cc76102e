package dev.geminigateway.simulator.wire;

import tools.jackson.databind.node.ObjectNode;

/**
 * The token usage of one answer, built in this one place for both surfaces, as Gemini reports it:
 * {@code promptTokenCount} includes cached tokens ({@code cachedContentTokenCount} is a subset of it), thoughts are
 * billed as output, and {@code totalTokenCount = prompt + candidates + thoughts} (cached not added again).
 * Explicit caches feed {@code cachedTokens} today; implicit prefix caching can feed the same field.
 */
public record UsageReport(long promptTokens, long cachedTokens, long candidatesTokens, long thoughtsTokens) {

    public UsageReport {
        if (promptTokens < 0 || cachedTokens < 0 || candidatesTokens < 0 || thoughtsTokens < 0
                || cachedTokens > promptTokens) {
            throw new IllegalArgumentException("token counts must be >= 0 and cached tokens part of the prompt");
        }
    }

    public long totalTokens() {
        return promptTokens + candidatesTokens + thoughtsTokens;
    }

    /** Running totals of a stream so far: the output produced up to now (thoughts come first). */
    public UsageReport upTo(long candidatesSoFar) {
        return new UsageReport(promptTokens, cachedTokens, Math.min(candidatesSoFar, candidatesTokens), thoughtsTokens);
    }

    /**
     * Native {@code usageMetadata}. An interim stream chunk ({@code complete} false) holds only the prompt and a total
     * equal to it (wire 4.1); a complete one adds the output fields that are not zero.
     */
    public ObjectNode nativeUsage(boolean complete) {
        ObjectNode usage = Json.object();
        if (complete && candidatesTokens > 0) {
            usage.put("candidatesTokenCount", candidatesTokens);
            usage.putArray("candidatesTokensDetails").addObject().put("modality", "TEXT")
                    .put("tokenCount", candidatesTokens);
        }
        if (cachedTokens > 0) {
            usage.put("cachedContentTokenCount", cachedTokens);
            usage.putArray("cacheTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", cachedTokens);
        }
        usage.put("promptTokenCount", promptTokens);
        usage.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", promptTokens);
        if (complete && thoughtsTokens > 0) {
            usage.put("thoughtsTokenCount", thoughtsTokens);
        }
        usage.put("totalTokenCount", complete ? totalTokens() : promptTokens);
        return usage;
    }

    /**
     * OpenAI-surface {@code usage}: completion tokens include thoughts, so prompt + completion = total as on the
     * native surface. The detail objects follow OpenAI's names [unverified that Gemini sends them].
     */
    public ObjectNode openAiUsage() {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", candidatesTokens + thoughtsTokens);
        usage.put("total_tokens", totalTokens());
        if (cachedTokens > 0) {
            usage.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
        }
        if (thoughtsTokens > 0) {
            usage.putObject("completion_tokens_details").put("reasoning_tokens", thoughtsTokens);
        }
        return usage;
    }
}
