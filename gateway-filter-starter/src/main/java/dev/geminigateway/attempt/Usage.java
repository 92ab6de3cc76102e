package dev.geminigateway.attempt;

/**
 * The tokens Gemini reports it billed for one request.
 *
 * @param promptTokens input: native {@code promptTokenCount} (cached content included) or OpenAI {@code prompt_tokens}
 * @param outputTokens billed output: native {@code candidatesTokenCount + thoughtsTokenCount} (thoughts are billed as
 *        output), OpenAI {@code completion_tokens} or {@code total - prompt}, whichever is larger
 * @param totalTokens as reported, or prompt plus output when the response omits it
 * @param cachedTokens of {@code promptTokens}, those served from a cache (implicit or explicit): native
 *     {@code cachedContentTokenCount}, OpenAI {@code prompt_tokens_details.cached_tokens}
 */
public record Usage(long promptTokens, long outputTokens, long totalTokens, long cachedTokens) {

    public Usage {
        if (promptTokens < 0 || outputTokens < 0 || totalTokens < 0 || cachedTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    /** Usage without cached tokens. */
    public Usage(long promptTokens, long outputTokens, long totalTokens) {
        this(promptTokens, outputTokens, totalTokens, 0);
    }
}
