package dev.geminigateway.simulator.http;

import dev.geminigateway.simulator.wire.ApiError;
import dev.geminigateway.simulator.wire.GeminiErrors;
import dev.geminigateway.simulator.wire.RequestErrors;
import tools.jackson.databind.JsonNode;

/**
 * What Gemini refuses about a request body before anything else, the same for every key: missing required fields,
 * unknown OpenAI fields, cached content combined with a system instruction or tools, too many embedding requests,
 * countTokens without the inner request's model.
 */
final class RequestChecks {

    private RequestChecks() {
    }

    /** The first thing wrong with the body of a POST call, or null. Sets {@code call.model} for the OpenAI surface. */
    static ApiError body(Call call) {
        switch (call.route.operation()) {
            case CHAT, EMBEDDINGS -> {
                String unknown = OpenAiApi.unknownField(call.json,
                        call.route.operation() == Operation.CHAT ? OpenAiApi.CHAT_FIELDS : OpenAiApi.EMBEDDING_FIELDS);
                if (unknown != null) {
                    return GeminiErrors.unknownField(unknown);
                }
                String model = call.json.path("model").asString("");
                if (model.isEmpty()) {
                    return GeminiErrors.invalidArgument("model is not specified"); // [unverified] text
                }
                call.model = Route.bare(model);
                if (call.route.operation() == Operation.CHAT && call.json.path("messages").isEmpty()) {
                    return GeminiErrors.invalidArgument("messages is not specified"); // [unverified] text
                }
                if (call.route.operation() == Operation.EMBEDDINGS && call.json.path("input").isMissingNode()) {
                    return GeminiErrors.invalidArgument("input is not specified"); // [unverified] text
                }
                // compat embeddings are assumed to go through batchEmbedContents and share its cap [unverified]
                if (call.route.operation() == Operation.EMBEDDINGS
                        && call.json.path("input").size() > RequestErrors.MAX_BATCH_EMBED_REQUESTS) {
                    return RequestErrors.batchTooLarge();
                }
            }
            case GENERATE, STREAM -> {
                if (call.json.path("contents").isEmpty()) {
                    return GeminiErrors.invalidArgument("* GenerateContentRequest.contents: contents is not specified\n");
                }
                if (namesCacheWithInstructionOrTools(call.json)) {
                    return RequestErrors.cachedContentWithInstructionOrTools();
                }
            }
            case EMBED -> {
                if (call.json.path("content").path("parts").isEmpty()) {
                    return GeminiErrors.invalidArgument("* EmbedContentRequest.content: content is not specified\n");
                }
            }
            case BATCH_EMBED -> {
                if (call.json.path("requests").isEmpty()) {
                    return GeminiErrors.invalidArgument(
                            "* BatchEmbedContentsRequest.requests: requests is not specified\n");
                }
                if (call.json.path("requests").size() > RequestErrors.MAX_BATCH_EMBED_REQUESTS) {
                    return RequestErrors.batchTooLarge();
                }
            }
            case COUNT_TOKENS -> {
                if (call.json.has("contents") && call.json.has("generateContentRequest")) {
                    return GeminiErrors.invalidArgument(
                            "GenerateContentRequest and Contents fields are mutually exclusive."); // [unverified]
                }
                JsonNode inner = call.json.path("generateContentRequest");
                if (inner.isObject() && inner.path("model").asString("").isEmpty()) {
                    return RequestErrors.countTokensModelMissing();
                }
            }
            default -> {
            }
        }
        return null;
    }

    private static boolean namesCacheWithInstructionOrTools(JsonNode request) {
        boolean cache = request.hasNonNull("cachedContent") || request.hasNonNull("cached_content");
        return cache && (request.hasNonNull("systemInstruction") || request.hasNonNull("system_instruction")
                || request.hasNonNull("tools") || request.hasNonNull("toolConfig") || request.hasNonNull("tool_config"));
    }

}
