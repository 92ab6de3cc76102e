package dev.geminigateway.simulator.wire;

import tools.jackson.databind.node.ObjectNode;

/** Successful generation bodies of both surfaces, from an {@link AnswerShape}; usage comes from its report only. */
public final class GenerationBodies {

    private GenerationBodies() {
    }

    /**
     * A native GenerateContentResponse, or one stream chunk of it. An interim chunk ({@code finalChunk} false) has no
     * finishReason and usage with the prompt only. A blocked prompt has no candidates but {@code promptFeedback}; a
     * model that only thought has a candidate without parts.
     */
    public static ObjectNode nativeChunk(String model, String responseId, String textPiece, boolean finalChunk,
                                         AnswerShape shape) {
        ObjectNode response = Json.object();
        if (shape.blocked()) {
            response.putObject("promptFeedback").put("blockReason", shape.blockReason());
        } else {
            ObjectNode candidate = response.putArray("candidates").addObject();
            ObjectNode content = candidate.putObject("content");
            if (!textPiece.isEmpty()) {
                content.putArray("parts").addObject().put("text", textPiece);
            }
            content.put("role", "model");
            if (finalChunk) {
                candidate.put("finishReason", shape.finishReason());
                candidate.put("index", 0);
            }
        }
        response.set("usageMetadata", shape.usage().nativeUsage(finalChunk));
        response.put("modelVersion", model);
        response.put("responseId", responseId);
        return response;
    }

    public static ObjectNode openAiCompletion(String model, String id, long created, AnswerShape shape) {
        ObjectNode response = Json.object();
        response.put("id", id);
        response.put("object", "chat.completion");
        response.put("created", created);
        response.put("model", model);
        ObjectNode choice = response.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", shape.text());
        choice.put("finish_reason", shape.openAiFinishReason());
        response.set("usage", shape.usage().openAiUsage());
        return response;
    }

    /**
     * One chat.completion.chunk. The final content chunk carries finish_reason and usage (wire 4.2); with
     * {@code runningUsage} set, a non-final chunk carries that usage too (running totals, the last one wins).
     */
    public static ObjectNode openAiChunk(String model, String id, long created, String textPiece, boolean first,
                                         boolean finalChunk, AnswerShape shape, UsageReport runningUsage) {
        ObjectNode chunk = Json.object();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) delta.put("role", "assistant");
        delta.put("content", textPiece);
        if (finalChunk) {
            choice.put("finish_reason", shape.openAiFinishReason());
            chunk.set("usage", shape.usage().openAiUsage());
        } else {
            choice.putNull("finish_reason");
            if (runningUsage != null) {
                chunk.set("usage", runningUsage.openAiUsage());
            }
        }
        return chunk;
    }
}
