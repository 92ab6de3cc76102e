package dev.geminigateway.token;

import java.util.Optional;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.web.GatewayJson;

/**
 * Finds the usage Gemini reports in a response: native {@code usageMetadata} or OpenAI-compatible {@code usage}
 * (ARCHITECTURE.md §8.5). For SSE streams use {@link SseUsageScanner}, which hands single events to
 * {@link #fromNode(JsonNode)}.
 */
public final class UsageExtractor {

    private static final JsonMapper JSON = GatewayJson.MAPPER;
    /** The fields {@link #fromNode} reads. */
    private static final Set<String> USAGE_FIELDS = Set.of("usageMetadata", "usage_metadata", "usage");

    private UsageExtractor() {
    }

    /**
     * Usage in a JSON response body. A JSON array (native {@code streamGenerateContent} without {@code alt=sse})
     * gives the usage of its last element that has one: those values are running totals, never to be summed.
     */
    public static Optional<Usage> fromJson(byte[] body) {
        return fromJson(body, body == null ? 0 : body.length);
    }

    /** Usage in the first {@code length} bytes of {@code body}, as {@link #fromJson(byte[])}. */
    public static Optional<Usage> fromJson(byte[] body, int length) {
        if (body == null || length == 0 || !ByteSearch.contains(body, 0, length, ByteSearch.USAGE)) {
            return Optional.empty();
        }
        return fromJson(body, 0, length);
    }

    /**
     * Reads the body as a token stream and builds trees only for the usage fields, skipping the rest (candidates,
     * choices: most of the bytes). The answer is the same as parsing the whole body: empty when it is not JSON.
     */
    static Optional<Usage> fromJson(byte[] body, int offset, int length) {
        try (JsonParser parser = JSON.createParser(body, offset, length)) {
            JsonToken first = parser.nextToken();
            Optional<Usage> usage = Optional.empty();
            if (first == JsonToken.START_ARRAY) {
                // running totals: the last element with usage wins
                for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    Optional<Usage> element = token == JsonToken.START_OBJECT ? usageFields(parser) : skip(parser);
                    usage = element.isPresent() ? element : usage;
                }
            }
            else if (first == JsonToken.START_OBJECT) {
                usage = usageFields(parser);
            }
            else {
                parser.skipChildren();
            }
            if (parser.nextToken() != null && JSON.isEnabled(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)) {
                return Optional.empty();
            }
            return usage;
        }
        catch (JacksonException ex) {
            return Optional.empty();
        }
    }

    /** From just after an object's start to its end: the usage its top-level usage fields give. */
    private static Optional<Usage> usageFields(JsonParser parser) {
        ObjectNode kept = JSON.createObjectNode();
        for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
            String name = parser.currentName();
            parser.nextToken();
            if (USAGE_FIELDS.contains(name)) {
                kept.set(name, (JsonNode) parser.readValueAsTree());
            }
            else {
                parser.skipChildren();
            }
        }
        return fromNode(kept);
    }

    private static Optional<Usage> skip(JsonParser parser) {
        parser.skipChildren();
        return Optional.empty();
    }

    /** Usage in one parsed response object (a whole response or one stream event). */
    public static Optional<Usage> fromNode(JsonNode response) {
        if (response == null || !response.isObject()) {
            return Optional.empty();
        }
        JsonNode metadata = JsonNodes.field(response, "usageMetadata", "usage_metadata");
        if (metadata.isObject()) {
            // promptTokenCount already holds the cached tokens; thoughts are output (an answer may have only thoughts)
            long prompt = number(metadata, "promptTokenCount");
            long output = number(metadata, "candidatesTokenCount") + number(metadata, "thoughtsTokenCount");
            long total = metadata.has("totalTokenCount") ? number(metadata, "totalTokenCount") : prompt + output;
            long cached = Math.min(prompt, number(metadata, "cachedContentTokenCount"));
            return Optional.of(new Usage(prompt, output, Math.max(total, prompt), cached));
        }
        JsonNode usage = response.path("usage");
        if (usage.isObject() && usage.has("prompt_tokens")) {
            long prompt = number(usage, "prompt_tokens");
            long total = usage.has("total_tokens") ? number(usage, "total_tokens") : -1;
            // compat's completion_tokens may or may not include thinking (unverified): total - prompt counts it either way
            long output = Math.max(number(usage, "completion_tokens"), Math.max(0, total - prompt));
            long cached = Math.min(prompt, number(usage.path("prompt_tokens_details"), "cached_tokens"));
            return Optional.of(new Usage(prompt, output, total >= 0 ? Math.max(total, prompt) : prompt + output, cached));
        }
        return Optional.empty();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.isObject() ? node.get(field) : null;
        return value != null && value.canConvertToLong() ? Math.max(0, value.asLong()) : 0;
    }
}
