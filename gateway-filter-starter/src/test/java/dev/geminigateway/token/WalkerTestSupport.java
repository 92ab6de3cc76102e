package dev.geminigateway.token;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.geminigateway.web.Surface;

/** Counts bodies the way TokenLimit does, and sums o200k counts of expected pieces. */
abstract class WalkerTestSupport {

    static final TokenCounter COUNTER = new TokenCounter();

    static TokenEstimate estimate(Surface surface, String json) {
        return COUNTER.estimate(surface, json.getBytes(StandardCharsets.UTF_8), 0, 1.0);
    }

    static long text(Surface surface, String json) {
        return estimate(surface, json).textTokens();
    }

    static int media(Surface surface, String json) {
        return estimate(surface, json).mediaItems();
    }

    static long sum(String... pieces) {
        long total = Arrays.stream(pieces).mapToLong(COUNTER::count).sum();
        if (total == 0) {
            throw new IllegalStateException("expected pieces must have tokens, or the test proves nothing");
        }
        return total;
    }
}
