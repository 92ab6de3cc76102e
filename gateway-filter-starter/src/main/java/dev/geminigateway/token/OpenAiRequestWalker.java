package dev.geminigateway.token;

import static dev.geminigateway.token.JsonNodes.elements;

import tools.jackson.databind.JsonNode;

/**
 * Walks an OpenAI-compatible request body (ARCHITECTURE.md §8.5): chat completions ({@code messages},
 * {@code tools}, legacy {@code functions}, {@code response_format}) and embeddings ({@code input}). Media parts add an
 * item each instead of counting their base64 or URL.
 */
final class OpenAiRequestWalker {

    private OpenAiRequestWalker() {
    }

    static void walk(JsonNode request, TokenTally tally) {
        if (!request.isObject()) {
            return;
        }
        for (JsonNode message : elements(request.path("messages"))) {
            message(message, tally);
        }
        for (JsonNode tool : elements(request.path("tools"))) {
            function(tool.path("function"), tally);
        }
        for (JsonNode function : elements(request.path("functions"))) {
            function(function, tally);
        }
        JsonNode jsonSchema = request.path("response_format").path("json_schema");
        tally.textNode(jsonSchema.get("description"));
        tally.structure(jsonSchema.get("schema"));
        input(request.path("input"), tally);
    }

    /**
     * One message. {@code tool_call_id} is not counted: it is a correlation id the compat layer maps onto the
     * function response's id, not prompt text (the Google SDK's local tokenizer counts only a function response's
     * name and body, too).
     */
    private static void message(JsonNode message, TokenTally tally) {
        content(message.path("content"), tally);
        for (JsonNode toolCall : elements(message.path("tool_calls"))) {
            functionCall(toolCall.path("function"), tally);
        }
        functionCall(message.path("function_call"), tally);
        String role = message.path("role").asString("");
        if ("tool".equals(role) || "function".equals(role)) {
            // becomes functionResponse.name
            tally.textNode(message.get("name"));
        }
    }

    /** {@code content} is a string, or an array of typed parts. */
    private static void content(JsonNode content, TokenTally tally) {
        if (content.isString()) {
            tally.textNode(content);
            return;
        }
        for (JsonNode part : elements(content)) {
            if (part.isString()) {
                tally.textNode(part);
                continue;
            }
            tally.textNode(part.get("text"));
            tally.textNode(part.get("refusal"));
            if (isMedia(part)) {
                tally.mediaItem();
            }
        }
    }

    private static boolean isMedia(JsonNode part) {
        String type = part.path("type").asString("");
        return switch (type) {
            case "image_url", "input_image", "input_audio", "file", "input_file" -> true;
            default -> part.has("image_url") || part.has("input_audio") || part.has("file");
        };
    }

    /** {@code {"name":…, "arguments":"<JSON text>"}}: Gemini receives the arguments parsed, as functionCall.args. */
    private static void functionCall(JsonNode function, TokenTally tally) {
        if (!function.isObject()) {
            return;
        }
        tally.textNode(function.get("name"));
        JsonNode arguments = function.get("arguments");
        if (arguments != null && arguments.isString()) {
            tally.jsonText(arguments.stringValue());
        }
        else {
            tally.structure(arguments);
        }
    }

    private static void function(JsonNode function, TokenTally tally) {
        if (!function.isObject()) {
            return;
        }
        tally.textNode(function.get("name"));
        tally.textNode(function.get("description"));
        tally.structure(function.get("parameters"));
    }

    /** Embeddings input: a string, an array of strings, or token ids (an array of ints, or of int arrays). */
    private static void input(JsonNode input, TokenTally tally) {
        if (input.isString()) {
            tally.textNode(input);
            return;
        }
        for (JsonNode item : elements(input)) {
            if (item.isString()) {
                tally.textNode(item);
            }
            else if (item.isNumber()) {
                tally.tokens(1);
            }
            else if (item.isArray()) {
                tally.tokens(item.size());
            }
        }
    }
}
