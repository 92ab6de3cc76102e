package dev.geminigateway.simulator.cache;

import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * The text of a generation request in the order Gemini reads it for implicit caching: system instruction, tools,
 * then the contents. On the OpenAI surface system (and developer) messages become the system instruction, as Gemini's
 * compatibility layer maps them. Only text counts, as in {@code TokenRule}: roles, MIME types, inline data and file
 * URIs are skipped, so {@code length() / 4} is the prefix's token count.
 */
public final class PromptPrefix {

    private static final Set<String> SKIPPED = Set.of("role", "type", "mimeType", "mime_type", "data", "fileUri",
            "file_uri", "model", "tool_call_id");

    private PromptPrefix() {
    }

    public static String nativeText(JsonNode request) {
        StringBuilder text = new StringBuilder();
        append(field(request, "systemInstruction", "system_instruction"), text);
        append(request.path("tools"), text);
        append(request.path("contents"), text);
        return text.toString();
    }

    public static String openAiText(JsonNode request) {
        StringBuilder text = new StringBuilder();
        JsonNode messages = request.path("messages");
        for (JsonNode message : messages) {
            if (isSystem(message)) {
                append(message.path("content"), text);
            }
        }
        append(request.path("tools"), text);
        for (JsonNode message : messages) {
            if (!isSystem(message)) {
                append(message, text);
            }
        }
        return text.toString();
    }

    private static boolean isSystem(JsonNode message) {
        String role = message.path("role").asString("");
        return role.equals("system") || role.equals("developer");
    }

    private static JsonNode field(JsonNode node, String camel, String snake) {
        JsonNode value = node.path(camel);
        return value.isMissingNode() ? node.path(snake) : value;
    }

    private static void append(JsonNode node, StringBuilder text) {
        if (node.isString()) {
            text.append(node.stringValue());
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!SKIPPED.contains(field.getKey())) {
                    append(field.getValue(), text);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                append(element, text);
            }
        }
    }
}
