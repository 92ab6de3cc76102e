package dev.geminigateway.token;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

import dev.geminigateway.web.GatewayJson;
import dev.geminigateway.web.Surface;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Estimates a request's input tokens offline. Text is counted with jtokkit's {@code o200k_base}: Gemini's own
 * tokenizer (Gemma SentencePiece) is not on Maven Central, and third parties put Gemini 5-15% above o200k on English
 * (unverified, ARCHITECTURE.md §8.5): a calibration factor, configured or learned from real usage, absorbs that.
 * Media is not tokenized: each image, audio or file part adds a configured figure. Thread-safe; one instance serves
 * the whole application.
 */
public final class TokenCounter {

    private static final JsonMapper JSON = GatewayJson.MAPPER;

    /**
     * Bytes per token of the estimate by length: o200k averages about 4 bytes a token on English text, and KeyRotation
     * already reserves a quarter of the body's bytes for a request no TokenLimit estimated.
     */
    public static final int BYTES_PER_TOKEN = 4;

    /** Slots of the count cache: 16,384 texts (about 0.7 MB), e.g. a few long conversations. */
    public static final int DEFAULT_CACHE_SLOTS = 16 * 1024;

    private final Encoding encoding;
    private final TokenCountCache cache;

    /** Counts with {@code o200k_base}, loaded on first use (the lazy registry loads only the encoding asked for). */
    public TokenCounter() {
        this(Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE), DEFAULT_CACHE_SLOTS);
    }

    /**
     * @param cacheSlots how many long texts' counts to remember (see {@link TokenCountCache}); 0 counts every text
     */
    public TokenCounter(Encoding encoding, int cacheSlots) {
        this.encoding = encoding;
        this.cache = cacheSlots > 0 ? new TokenCountCache(cacheSlots) : null;
    }

    /** Tokens of {@code text}; special-token text such as {@code <|endoftext|>} is counted as ordinary text. */
    public int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return cache != null ? cache.count(text, encoding::countTokensOrdinary) : encoding.countTokensOrdinary(text);
    }

    /** Parses a request body, which must be one JSON object. */
    public JsonNode parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        }
        catch (JacksonException ex) {
            throw new MalformedRequestBodyException("Malformed JSON in request body: " + describe(ex));
        }
        if (root == null || !root.isObject()) {
            throw new MalformedRequestBodyException("Malformed JSON in request body: expected a JSON object");
        }
        return root;
    }

    /** Estimates the input tokens of a parsed request body of the given surface, counting its text with o200k. */
    public TokenEstimate estimate(Surface surface, JsonNode request, int tokensPerMediaItem, double calibrationFactor) {
        TokenTally tally = walk(surface, request, TokenTally.counting(this));
        return TokenEstimate.of(tally.textTokens(), tally.mediaItems(), tokensPerMediaItem, calibrationFactor);
    }

    /**
     * Estimates the input tokens of a request checked against {@code limit}, counting with o200k only when the result
     * could exceed it. A token is at least one byte, so a request whose text bytes (calibrated like tokens) fit the
     * limit cannot exceed it: its estimate is then a quarter of its text bytes ({@link #BYTES_PER_TOKEN}), calibrated,
     * without tokenizing. Near or over the limit the count is exact, as {@link #estimate(Surface, JsonNode, int,
     * double)} makes it.
     */
    public TokenEstimate estimate(Surface surface, JsonNode request, int tokensPerMediaItem, double calibrationFactor,
            long limit) {
        TokenTally measured = walk(surface, request, TokenTally.measuring());
        long bound = measured.givenTokens() + measured.textBytes();
        if (TokenEstimate.of(bound, measured.mediaItems(), tokensPerMediaItem, calibrationFactor).totalTokens() > limit) {
            return estimate(surface, request, tokensPerMediaItem, calibrationFactor);
        }
        long byLength = measured.givenTokens() + (measured.textBytes() + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
        return TokenEstimate.of(byLength, measured.mediaItems(), tokensPerMediaItem, calibrationFactor);
    }

    private static TokenTally walk(Surface surface, JsonNode request, TokenTally tally) {
        if (surface == Surface.OPENAI) {
            OpenAiRequestWalker.walk(request, tally);
        }
        else {
            NativeRequestWalker.walk(request, tally);
        }
        return tally;
    }

    /** Parses and estimates in one step. */
    public TokenEstimate estimate(Surface surface, byte[] body, int tokensPerMediaItem, double calibrationFactor) {
        return estimate(surface, parse(body), tokensPerMediaItem, calibrationFactor);
    }

    /** The JSON in {@code text}, or null when it is not JSON. */
    static JsonNode parseLeniently(String text) {
        try {
            return JSON.readTree(text);
        }
        catch (JacksonException ex) {
            return null;
        }
    }

    /**
     * Where parsing failed, without Jackson's message: that message may quote a token of the body
     * ("Unrecognized token 'AIza…'"), and a body may hold a secret.
     */
    private static String describe(JacksonException ex) {
        TokenStreamLocation location = ex.getLocation();
        if (location == null || location.getLineNr() < 0) {
            return "not valid JSON";
        }
        return "not valid JSON at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
