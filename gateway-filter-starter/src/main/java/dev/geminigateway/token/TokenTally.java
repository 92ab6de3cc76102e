package dev.geminigateway.token;

import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Running sum of one request's text and media items, filled by the request walkers: either the texts' o200k tokens
 * ({@link #counting}) or, much cheaper, their UTF-8 bytes ({@link #measuring}). Tokens that arrive already tokenized
 * are kept apart in both. Not thread-safe.
 */
final class TokenTally {

    /** Null when measuring bytes. */
    private final TokenCounter counter;
    private long textTokens;
    private long textBytes;
    private long givenTokens;
    private int mediaItems;

    private TokenTally(TokenCounter counter) {
        this.counter = counter;
    }

    /** Counts every text's o200k tokens. */
    static TokenTally counting(TokenCounter counter) {
        return new TokenTally(counter);
    }

    /** Adds up every text's UTF-8 length instead: an upper bound of its tokens, since a token is at least a byte. */
    static TokenTally measuring() {
        return new TokenTally(null);
    }

    void text(String text) {
        if (text != null && !text.isEmpty()) {
            if (counter != null) {
                textTokens += counter.count(text);
            }
            else {
                textBytes += utf8Length(text);
            }
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
        givenTokens += count;
    }

    /**
     * Counts a string that should hold JSON (OpenAI {@code tool_calls[].function.arguments}) the way Gemini sees it
     * once the compat layer has parsed it into {@code functionCall.args}; text that is not JSON is counted as is.
     */
    void jsonText(String text) {
        JsonNode parsed = TokenCounter.parseLeniently(text);
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

    /** Counting: the texts' tokens plus the tokens given as ids. */
    long textTokens() {
        return textTokens + givenTokens;
    }

    /** Measuring: the texts' UTF-8 bytes (token ids not included). */
    long textBytes() {
        return textBytes;
    }

    /** Tokens that arrived as token ids (OpenAI embeddings input). */
    long givenTokens() {
        return givenTokens;
    }

    int mediaItems() {
        return mediaItems;
    }

    /** UTF-8 length without encoding; a lone surrogate counts 3 bytes, more than the 1 its replacement takes. */
    static long utf8Length(String text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            }
            else if (c < 0x800) {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            }
            else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
