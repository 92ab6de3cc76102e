package dev.geminigateway.simulator.wire;

import static dev.geminigateway.simulator.wire.GeminiErrors.error;
import static dev.geminigateway.simulator.wire.GeminiErrors.wrap;

/**
 * 400s about the request itself, which every key would get alike, and the one 400 about where the call comes from.
 * The simulator derives the first group from the request body, as Gemini does.
 */
public final class RequestErrors {

    /** Gemini's cap on {@code batchEmbedContents} (langchain-ai/langchainjs#4491, weaviate/weaviate#11277). */
    public static final int MAX_BATCH_EMBED_REQUESTS = 100;

    private RequestErrors() {
    }

    /**
     * The prompt is longer than the model's {@code inputTokenLimit}: 400 INVALID_ARGUMENT without details
     * (google-gemini/gemini-cli#4231, #6678).
     */
    public static ApiError inputTooLong(long inputTokens, long limit) {
        return wrap(400, error(400, "The input token count (" + inputTokens + ") exceeds the maximum number of tokens"
                + " allowed (" + limit + ").", "INVALID_ARGUMENT"));
    }

    /**
     * {@code cachedContent} together with {@code systemInstruction}, {@code tools} or {@code toolConfig}: these must
     * live in the cache. The current text (567-labs/instructor#2580, googleapis/python-genai#348); older answers said
     * "CachedContent can not be used with GenerateContent request setting system_instruction, tools or tool_config."
     * (vercel/ai#3333).
     */
    public static ApiError cachedContentWithInstructionOrTools() {
        return GeminiErrors.invalidArgument("Tool config, tools and system instruction should not be set in the"
                + " request when using cached content.");
    }

    /** More than 100 requests in one {@code batchEmbedContents} (langchain-ai/langchainjs#4491). */
    public static ApiError batchTooLarge() {
        return GeminiErrors.invalidArgument("* BatchEmbedContentsRequest.requests: at most "
                + MAX_BATCH_EMBED_REQUESTS + " requests can be in one batch\n");
    }

    /**
     * {@code countTokens} with a {@code generateContentRequest} that names no {@code model}: the field is required
     * there (google-gemini/deprecated-generative-ai-swift#174). The text follows Gemini's field-violation form
     * [unverified wording].
     */
    public static ApiError countTokensModelMissing() {
        return GeminiErrors.invalidArgument("* GenerateContentRequest.model: model is required\n");
    }

    /**
     * The caller's region is not served: 400 FAILED_PRECONDITION, no details (snailyp/gemini-balance#328,
     * poenl/gemini-api#4). It depends on the egress address, not on the key.
     */
    public static ApiError locationNotSupported() {
        return wrap(400, error(400, "User location is not supported for the API use.", "FAILED_PRECONDITION"));
    }
}
