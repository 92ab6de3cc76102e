package dev.geminigateway.attempt;

/**
 * The tokens Gemini reports it billed for one request.
 *
 * @param promptTokens input: native {@code promptTokenCount} (cached content included) or OpenAI {@code prompt_tokens}
 * @param outputTokens native {@code candidatesTokenCount + thoughtsTokenCount}, or OpenAI {@code completion_tokens}
 * @param totalTokens as reported, or prompt plus output when the response omits it
 */
public record Usage(long promptTokens, long outputTokens, long totalTokens) {

    public Usage {
        if (promptTokens < 0 || outputTokens < 0 || totalTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }
}
