package dev.geminigateway.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;

class TokenCountCacheTest {

    private final AtomicInteger tokenizations = new AtomicInteger();
    private final ToIntFunction<String> countingLength = text -> {
        tokenizations.incrementAndGet();
        return text.length();
    };

    @Test
    void longTextsAreTokenizedOnceShortOnesEveryTime() {
        TokenCountCache cache = new TokenCountCache(1024);
        String history = "a".repeat(TokenCountCache.MIN_CHARS);
        assertThat(cache.count(history, countingLength)).isEqualTo(256);
        assertThat(cache.count(new String(history.toCharArray()), countingLength)).isEqualTo(256);
        assertThat(tokenizations).hasValue(1);

        cache.count("short", countingLength);
        cache.count("short", countingLength);
        assertThat(tokenizations).hasValue(3);

        assertThat(cache.count(history + "b", countingLength)).isEqualTo(257);
        assertThat(tokenizations).hasValue(4);
    }

    @Test
    void aSingleSlotIsTakenOverByTheNewestTextAndNeverAnswersForAnother() {
        TokenCountCache cache = new TokenCountCache(1);
        String first = "x".repeat(300);
        String second = "y".repeat(400);
        assertThat(cache.count(first, countingLength)).isEqualTo(300);
        assertThat(cache.count(second, countingLength)).isEqualTo(400);
        assertThat(cache.count(second, countingLength)).isEqualTo(400);
        assertThat(cache.count(first, countingLength)).isEqualTo(300);
        assertThat(tokenizations.get()).isBetween(3, 4);
    }

    @Test
    void cachedCounterAgreesWithUncachedOne() {
        var encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        TokenCounter cached = new TokenCounter(encoding, 64);
        TokenCounter direct = new TokenCounter(encoding, 0);
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
        assertThat(cached.count(text)).isEqualTo(direct.count(text)).isEqualTo(cached.count(text)).isEqualTo(201);
    }
}
