package dev.geminigateway.promptcache;

import java.util.zip.CRC32C;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.web.GatewayJson;
import dev.geminigateway.web.Surface;

/**
 * A fingerprint of the part of a request Gemini's implicit cache keys on: the leading {@code windowBytes} of its
 * prompt in Gemini's order (native: {@code systemInstruction}, {@code tools}, then {@code contents}; OpenAI:
 * {@code tools}, then {@code messages}, whose system messages come first in practice). Requests that share that much
 * prefix share the fingerprint, whatever else differs (the question at the end, {@code generationConfig}, the order
 * of the top-level fields).
 * <p>
 * Cheap: one streaming pass over the top-level fields of the cached body bytes, skipping values without building a
 * tree or decoding strings, then CRC32C over the raw bytes of the spans found; at most {@link #SCAN_LIMIT} bytes are
 * scanned. A collision only lets two prefixes prefer the same project: the fingerprint steers, it never decides.
 */
final class PrefixFingerprint {

    /** 0: the request has no prefix worth a preference (too short, malformed, or an explicit cached content). */
    static final long NONE = 0;
    /** Past this, a field after a huge {@code contents} is not looked for; the contents' own start still counts. */
    static final int SCAN_LIMIT = 256 * 1024;

    private static final JsonMapper JSON = GatewayJson.MAPPER;

    private PrefixFingerprint() {
    }

    /**
     * @param windowBytes how much leading prompt must match: the model's cache minimum in bytes; a prompt shorter
     *                    than that gets {@link #NONE}
     */
    static long of(Surface surface, byte[] body, int windowBytes) {
        boolean openAi = surface == Surface.OPENAI;
        Spans spans = new Spans();
        int limit = Math.min(body.length, SCAN_LIMIT);
        try (JsonParser parser = JSON.createParser(body, 0, limit)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return NONE;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
                int field = field(parser.currentName(), openAi);
                if (field == EXPLICIT_CACHE) {
                    return NONE;
                }
                parser.nextToken();
                spans.open(field, (int) parser.currentTokenLocation().getByteOffset());
                if (parser.currentToken().isScalarValue()) {
                    parser.finishToken();
                }
                else {
                    parser.skipChildren();
                }
                spans.close((int) parser.currentLocation().getByteOffset());
            }
        }
        catch (JacksonException ex) {
            // Cut at the scan limit (or malformed: TokenLimit answers that): a field still open ends there.
            spans.close(limit);
        }
        return spans.hash(body, windowBytes);
    }

    private static final int OTHER = -1;
    private static final int EXPLICIT_CACHE = -2;
    private static final int SYSTEM = 0;
    private static final int TOOLS = 1;
    private static final int CONVERSATION = 2;

    private static int field(String name, boolean openAi) {
        return switch (name) {
            case "systemInstruction", "system_instruction" -> openAi ? OTHER : SYSTEM;
            case "tools" -> TOOLS;
            case "contents" -> openAi ? OTHER : CONVERSATION;
            case "messages" -> openAi ? CONVERSATION : OTHER;
            case "cachedContent", "cached_content" -> openAi ? OTHER : EXPLICIT_CACHE;
            default -> OTHER;
        };
    }

    /** Where the system instruction, tools and conversation lie in the body ({@code end} exclusive). */
    private static final class Spans {

        private final int[] start = { -1, -1, -1 };
        private final int[] end = { -1, -1, -1 };
        private int open = OTHER;

        void open(int field, int at) {
            open = field;
            if (field >= 0) {
                start[field] = at;
            }
        }

        void close(int at) {
            if (open >= 0 && end[open] < 0) {
                end[open] = at;
            }
            open = OTHER;
        }

        /** CRC32C over the leading {@code window} bytes of the spans in prompt order; NONE when they are shorter. */
        long hash(byte[] body, int window) {
            CRC32C crc = new CRC32C();
            int left = window;
            for (int field = SYSTEM; field <= CONVERSATION && left > 0; field++) {
                if (start[field] >= 0 && end[field] > start[field]) {
                    int length = Math.min(end[field] - start[field], left);
                    crc.update(body, start[field], length);
                    left -= length;
                }
            }
            return left > 0 ? NONE : crc.getValue() | 1L << 32;
        }
    }
}
