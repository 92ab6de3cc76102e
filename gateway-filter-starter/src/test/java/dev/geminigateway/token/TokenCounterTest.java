package dev.geminigateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.geminigateway.web.Surface;
import tools.jackson.databind.JsonNode;

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
    void belowTheLimitTheEstimateIsAQuarterOfTheTextBytesCalibrated() {
        JsonNode body = counter.parse(("{\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"The quick brown fox jumps over the lazy dog.\"}]}").getBytes(StandardCharsets.UTF_8)); // 44 bytes

        TokenEstimate byLength = counter.estimate(Surface.OPENAI, body, 258, 1.25, 1000);

        assertThat(byLength.textTokens()).isEqualTo(11); // ceil(44 / 4), not the 10 o200k tokens
        assertThat(byLength.totalTokens()).isEqualTo(14); // ceil(11 * 1.25)
        TokenEstimate withImage = counter.estimate(Surface.NATIVE, counter.parse(("{\"contents\":[{\"parts\":["
                + "{\"text\":\"abcdefgh\"},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo\"}}]}]}")
                .getBytes(StandardCharsets.UTF_8)), 258, 1.0, 1000);
        assertThat(withImage.textTokens()).isEqualTo(2);
        assertThat(withImage.mediaItems()).isEqualTo(1);
        assertThat(withImage.totalTokens()).isEqualTo(260);
    }

    @Test
    void nearTheLimitTheTextIsCountedExactly() {
        JsonNode body = counter.parse(("{\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"The quick brown fox jumps over the lazy dog.\"}]}").getBytes(StandardCharsets.UTF_8));

        // 44 bytes could be 44 tokens, over a limit of 40: counted, 10 tokens, under it
        assertThat(counter.estimate(Surface.OPENAI, body, 258, 1.0, 40).totalTokens()).isEqualTo(10);
        // the calibration factor takes part in the bound: 44 bytes * 1.25 = 55 > 50, so counted: ceil(10 * 1.25)
        assertThat(counter.estimate(Surface.OPENAI, body, 258, 1.25, 50).totalTokens()).isEqualTo(13);
        // and over the limit the figure is the exact count, which is what the rejection quotes
        assertThat(counter.estimate(Surface.OPENAI, body, 258, 1.0, 5).totalTokens()).isEqualTo(10);
    }

    @Test
    void theByteBoundNeverUnderstatesTheExactCount() {
        // multi-byte text, emoji (surrogate pairs), a lone surrogate, token ids and tool-call JSON
        String[] texts = { "héllo wörld ", "日本語のテキストです。", "😀🎉👍🏽", "\ud800x", "plain ascii text " };
        for (String text : texts) {
            String repeated = text.repeat(50);
            JsonNode body = counter.parse(("{\"messages\":[{\"role\":\"user\",\"content\":" + quote(repeated)
                    + "},{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":"
                    + quote("{\"a\":1e5,\"b\":" + quote(repeated) + "}") + "}}]}],\"input\":[1,2,3]}")
                    .getBytes(StandardCharsets.UTF_8));
            long exact = counter.estimate(Surface.OPENAI, body, 258, 1.0).totalTokens();
            TokenTally measured = TokenTally.measuring();
            OpenAiRequestWalker.walk(body, measured);
            assertThat(measured.textBytes() + measured.givenTokens()).as(text).isGreaterThanOrEqualTo(exact);
            // a limit just under the bound forces the exact count, which then decides
            long bound = measured.textBytes() + measured.givenTokens();
            assertThat(counter.estimate(Surface.OPENAI, body, 258, 1.0, bound - 1).totalTokens()).isEqualTo(exact);
        }
        assertThat(TokenTally.utf8Length("a\u00e9\u65e5\ud83d\ude00\ud800"))
                .isEqualTo("a\u00e9\u65e5\ud83d\ude00".getBytes(StandardCharsets.UTF_8).length + 3);
    }

    private static String quote(String text) {
        return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(text);
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
