package dev.geminigateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.geminigateway.web.Surface;

class TokenCounterTest {

    private final TokenCounter counter = new TokenCounter();

    /** o200k_base counts, computed once with jtokkit 1.1.0 and pinned: a change means the encoding changed. */
    @Test
    void countsKnownStringsWithO200kBase() {
        assertThat(counter.count("hello world")).isEqualTo(2);
        assertThat(counter.count("Hello, world!")).isEqualTo(4);
        assertThat(counter.count("The quick brown fox jumps over the lazy dog.")).isEqualTo(10);
        assertThat(counter.count("get_weather")).isEqualTo(2);
        assertThat(counter.count("")).isZero();
        assertThat(counter.count(null)).isZero();
    }

    @Test
    void specialTokenTextInUserInputIsOrdinaryText() {
        assertThat(counter.count("<|endoftext|>")).isEqualTo(7);
        byte[] body = "{\"messages\":[{\"role\":\"user\",\"content\":\"<|endoftext|><|im_start|>\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(counter.estimate(Surface.OPENAI, body, 258, 1.0).textTokens())
                .isEqualTo(counter.count("<|endoftext|><|im_start|>"))
                .isGreaterThan(2);
    }

    @Test
    void calibrationFactorAndMediaFigureShapeTheTotal() {
        TokenEstimate estimate = TokenEstimate.of(100, 2, 258, 1.5);
        assertThat(estimate.uncalibratedTokens()).isEqualTo(616);
        assertThat(estimate.totalTokens()).isEqualTo(924);
        assertThat(TokenEstimate.of(3, 0, 258, 1.1).totalTokens()).isEqualTo(4); // rounded up, never down
        assertThatThrownBy(() -> TokenEstimate.of(1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedJsonIsReportedWithoutEchoingTheBody() {
        byte[] body = "{\"model\": AIzaSyFAKE0123456789}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> counter.parse(body))
                .isInstanceOf(MalformedRequestBodyException.class)
                .hasMessageStartingWith("Malformed JSON in request body: ")
                .hasMessageNotContaining("AIza");
        assertThatThrownBy(() -> counter.parse("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("Malformed JSON in request body: expected a JSON object");
        assertThatThrownBy(() -> counter.parse("{\"a\":1} trailing".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRequestBodyException.class);
    }

    @Test
    void absurdNestingIsRefusedAsMalformedBeforeAnyRecursion() {
        String deep = "{\"contents\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> counter.parse(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRequestBodyException.class);
    }

    @Test
    void deepButAllowedNestingIsWalkedWithoutOverflow() {
        String args = "{\"k\":".repeat(400) + "\"v\"" + "}".repeat(400);
        String body = "{\"contents\":[{\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":" + args + "}}]}]}";
        assertThat(counter.estimate(Surface.NATIVE, body.getBytes(StandardCharsets.UTF_8), 0, 1.0).textTokens())
                .isEqualTo(counter.count("f") + 400L * counter.count("k") + counter.count("v"));
    }
}
