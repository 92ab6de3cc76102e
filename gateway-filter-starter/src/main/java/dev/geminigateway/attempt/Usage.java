package dev.geminigateway.attempt;

/**
 * The tokens Gemini reports it billed for one request.
 *
 * @param promptTokens input: native {@code promptTokenCount} (cached content included) or OpenAI {@code prompt_tokens}
 * @param outputTokens billed output: native {@code candidatesTokenCount + thoughtsTokenCount} (thoughts are billed as
 *        output), OpenAI {@code completion_tokens} or {@code total - prompt}, whichever is larger
 * @param totalTokens as reported, or prompt plus output when the response omits it
 * @param cachedTokens the part of {@code promptTokens} served from a cache: native {@code cachedContentTokenCount},
 *        OpenAI {@code prompt_tokens_details.cached_tokens}; 0 when none
 */
public record Usage(long promptTokens, long outputTokens, long totalTokens, long cachedTokens) {

    public Usage {
        if (promptTokens < 0 || outputTokens < 0 || totalTokens < 0 || cachedTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    public Usage(long promptTokens, long outputTokens, long totalTokens) {
        this(promptTokens, outputTokens, totalTokens, 0);
    }
}
