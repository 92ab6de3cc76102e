package dev.geminigateway.token;

import java.util.Map;

import tools.jackson.databind.JsonNode;

/** Running sum of one request's text tokens and media items, filled by the request walkers. Not thread-safe. */
final class TokenTally {

    private final TokenCounter counter;
    private long textTokens;
    private int mediaItems;

    TokenTally(TokenCounter counter) {
        this.counter = counter;
    }

    void text(String text) {
        if (text != null && !text.isEmpty()) {
            textTokens += counter.count(text);
        }
    }

    /** Counts a node only when it is a string (a field that should be text but holds an object is ignored). */
    void textNode(JsonNode node) {
        if (node != null && node.isString()) {
            text(node.stringValue());
        }
    }

    /** Adds tokens that arrive already tokenized (OpenAI embeddings accept token ids as input). */
    void tokens(long count) {
        textTokens += count;
    }

    /**
     * Counts a string that should hold JSON (OpenAI {@code tool_calls[].function.arguments}) the way Gemini sees it
     * once the compat layer has parsed it into {@code functionCall.args}; text that is not JSON is counted as is.
     */
    void jsonText(String text) {
        JsonNode parsed = counter.parseLeniently(text);
        if (parsed != null && parsed.isContainer()) {
            structure(parsed);
        }
        else {
            text(text);
        }
    }

    void mediaItem() {
        mediaItems++;
    }

    /**
     * Counts free-form JSON (function arguments and responses, JSON schemas): every property name and every scalar
     * value, recursively. Gemini turns these structures into prompt text, so names and values are billed; the
     * punctuation of the serialised form is left to the calibration factor. Depth is bounded by Jackson's nesting
     * limit, so the recursion cannot overflow the stack.
     */
    void structure(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                text(entry.getKey());
                structure(entry.getValue());
            }
        }
        else if (node.isArray()) {
            for (JsonNode item : node) {
                structure(item);
            }
        }
        else if (node.isString()) {
            text(node.stringValue());
        }
        else {
            text(node.asString());
        }
    }

    long textTokens() {
        return textTokens;
    }

    int mediaItems() {
        return mediaItems;
    }
}
