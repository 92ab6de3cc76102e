package dev.geminigateway.simulator.wire;

import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * The simulator's tokenizer: {@code ceil(characters / 4)}, at least 1, over the text of a request (Google's rule
 * of thumb, wire 5). The same number is reported as promptTokenCount / prompt_tokens, returned by countTokens and
 * charged to TPM. "Text" is every string value inside the parts of the request that carry content:
 * native {@code contents}, {@code systemInstruction}, {@code tools}, {@code content} / {@code requests} (embed),
 * {@code generateContentRequest} (countTokens); OpenAI {@code messages}, {@code tools}, {@code input}.
 * Values of the keys role, type, mimeType, data, fileUri, model and tool_call_id are not text and are skipped.
 */
public final class TokenRule {

    private static final Set<String> CONTENT_FIELDS = Set.of("contents", "systemInstruction", "system_instruction",
            "tools", "content", "requests", "generateContentRequest", "messages", "input");
    private static final Set<String> SKIPPED = Set.of("role", "type", "mimeType", "mime_type", "data", "fileUri",
            "file_uri", "model", "tool_call_id");

    private TokenRule() {
    }

    public static long countRequest(JsonNode request) {
        long chars = 0;
        if (request != null && request.isObject()) {
            for (Map.Entry<String, JsonNode> field : request.properties()) {
                if (CONTENT_FIELDS.contains(field.getKey())) {
                    chars += characters(field.getValue());
                }
            }
        }
        return tokensFor(chars);
    }

    public static long countText(String text) {
        return tokensFor(text == null ? 0 : text.length());
    }

    public static long tokensFor(long chars) {
        return Math.max(1, (chars + 3) / 4);
    }

    private static long characters(JsonNode node) {
        if (node.isString()) {
            return node.stringValue().length();
        }
        long chars = 0;
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!SKIPPED.contains(field.getKey())) {
                    chars += characters(field.getValue());
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                chars += characters(element);
            }
        }
        return chars;
    }
}
