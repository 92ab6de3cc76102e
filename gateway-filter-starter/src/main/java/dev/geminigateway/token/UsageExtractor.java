package dev.geminigateway.token;

import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.attempt.Usage;

/**
 * Finds the usage Gemini reports in a response: native {@code usageMetadata} or OpenAI-compatible {@code usage}
 * (ARCHITECTURE.md §8.5). For SSE streams use {@link SseUsageScanner}, which hands single events to
 * {@link #fromNode(JsonNode)}.
 */
public final class UsageExtractor {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private UsageExtractor() {
    }

    /**
     * Usage in a JSON response body. A JSON array (native {@code streamGenerateContent} without {@code alt=sse})
     * gives the usage of its last element that has one: those values are running totals, never to be summed.
     */
    public static Optional<Usage> fromJson(byte[] body) {
        if (body == null || body.length == 0 || !ByteSearch.contains(body, 0, body.length, ByteSearch.USAGE)) {
            return Optional.empty();
        }
        return fromJson(body, 0, body.length);
    }

    static Optional<Usage> fromJson(byte[] body, int offset, int length) {
        JsonNode root;
        try {
            root = JSON.readTree(body, offset, length);
        }
        catch (JacksonException ex) {
            return Optional.empty();
        }
        if (root != null && root.isArray()) {
            for (int i = root.size() - 1; i >= 0; i--) {
                Optional<Usage> usage = fromNode(root.get(i));
                if (usage.isPresent()) {
                    return usage;
                }
            }
            return Optional.empty();
        }
        return fromNode(root);
    }

    /** Usage in one parsed response object (a whole response or one stream event). */
    public static Optional<Usage> fromNode(JsonNode response) {
        if (response == null || !response.isObject()) {
            return Optional.empty();
        }
        JsonNode metadata = JsonNodes.field(response, "usageMetadata", "usage_metadata");
        if (metadata.isObject()) {
            long prompt = number(metadata, "promptTokenCount");
            long output = number(metadata, "candidatesTokenCount") + number(metadata, "thoughtsTokenCount");
            long total = metadata.has("totalTokenCount") ? number(metadata, "totalTokenCount") : prompt + output;
            return Optional.of(new Usage(prompt, output, Math.max(total, prompt)));
        }
        JsonNode usage = response.path("usage");
        if (usage.isObject() && usage.has("prompt_tokens")) {
            long prompt = number(usage, "prompt_tokens");
            long total = usage.has("total_tokens") ? number(usage, "total_tokens") : -1;
            // compat's completion_tokens may or may not include thinking (unverified): fall back to total - prompt
            long output = usage.has("completion_tokens") ? number(usage, "completion_tokens")
                    : Math.max(0, total - prompt);
            return Optional.of(new Usage(prompt, output, total >= 0 ? Math.max(total, prompt) : prompt + output));
        }
        return Optional.empty();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.canConvertToLong() ? Math.max(0, value.asLong()) : 0;
    }
}
