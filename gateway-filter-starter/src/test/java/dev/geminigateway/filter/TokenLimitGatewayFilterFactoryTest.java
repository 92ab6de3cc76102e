package dev.geminigateway.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import dev.geminigateway.token.TokenCalibration;
import dev.geminigateway.token.TokenCounter;
import dev.geminigateway.token.TokenEstimate;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.Surface;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class TokenLimitGatewayFilterFactoryTest {

    private static final TokenCounter COUNTER = new TokenCounter();

    private final TokenCalibration calibration = new TokenCalibration(1.0, 1);
    private final TokenLimitGatewayFilterFactory factory = new TokenLimitGatewayFilterFactory(COUNTER, calibration);

    /** Records whether the request went on, what body it carried, and on which thread. */
    private static final class RecordingChain implements GatewayFilterChain {

        final AtomicReference<String> forwardedBody = new AtomicReference<>();
        final AtomicReference<String> thread = new AtomicReference<>();
        ServerWebExchange forwarded;

        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            forwarded = exchange;
            thread.set(Thread.currentThread().getName());
            return DataBufferUtils.join(exchange.getRequest().getBody())
                    .map(buffer -> {
                        String body = buffer.toString(StandardCharsets.UTF_8);
                        DataBufferUtils.release(buffer);
                        return body;
                    })
                    .defaultIfEmpty("")
                    .doOnNext(forwardedBody::set)
                    .then();
        }

        boolean called() {
            return forwarded != null;
        }
    }

    private GatewayFilter filter(long maxTokens) {
        return factory.apply(new TokenLimitGatewayFilterFactory.Config().setMaxTokens(maxTokens));
    }

    private static MockServerWebExchange post(String path, String body) {
        return MockServerWebExchange.from(MockServerHttpRequest.post(path)
                .contentType(MediaType.APPLICATION_JSON).body(body));
    }

    private static String responseBody(MockServerWebExchange exchange) {
        return exchange.getResponse().getBodyAsString().block();
    }

    private static String chat(String content) {
        return "{\"model\":\"models/gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    @Test
    void underTheLimitForwardsTheSameBytesAndPublishesEstimateAndModel() {
        String body = chat("The quick brown fox jumps over the lazy dog.");
        MockServerWebExchange exchange = post("/v1/chat/completions", body);
        RecordingChain chain = new RecordingChain();

        filter(1000).filter(exchange, chain).block();

        assertThat(chain.called()).isTrue();
        assertThat(chain.forwardedBody.get()).isEqualTo(body);
        assertThat(chain.forwarded.getRequest().getHeaders().getContentLength()).isEqualTo(body.length());
        // far below the limit: a quarter of the text's 44 bytes, rounded up (TokenCounter.BYTES_PER_TOKEN)
        assertThat(exchange.<Long>getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS)).isEqualTo(11L);
        assertThat(exchange.<String>getAttribute(GeminiExchangeAttributes.MODEL)).isEqualTo("gemini-2.5-flash");
        assertThat(exchange.<Surface>getAttribute(GeminiExchangeAttributes.SURFACE)).isEqualTo(Surface.OPENAI);
        assertThat(exchange.<TokenEstimate>getAttribute(TokenEstimate.EXCHANGE_ATTRIBUTE).textTokens()).isEqualTo(11);
        assertThat(exchange.getResponse().getStatusCode()).isNull();
    }

    @Test
    void overTheLimitOnTheOpenAiSurfaceAnswersTheExactOpenAiError() {
        String body = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo\"}}]}]}";
        MockServerWebExchange exchange = post("/v1/chat/completions", body);
        RecordingChain chain = new RecordingChain();
        GatewayFilter filter = factory.apply(new TokenLimitGatewayFilterFactory.Config().setMaxTokens(125000)
                .setPerImageTokens(150000));

        filter.filter(exchange, chain).block();

        assertThat(chain.called()).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(responseBody(exchange)).isEqualTo("{\"error\":{\"message\":\"Request body too large: 150000 tokens "
                + "(max: 125000)\",\"type\":\"validation_error\",\"code\":\"bad_request\",\"param\":null}}");
        assertThat(exchange.<Long>getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS)).isEqualTo(150000L);
    }

    @Test
    void overTheLimitWithRealTextIsCountedOffTheEventLoop() {
        // " hello" is one o200k token: 150,000 tokens in ~900 KB, far above the offload threshold
        String body = chat("hello" + " hello".repeat(149_999));
        MockServerWebExchange exchange = post("/v1/chat/completions", body);
        RecordingChain chain = new RecordingChain();

        filter(125000).filter(exchange, chain).block();

        assertThat(chain.called()).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(responseBody(exchange)).isEqualTo("{\"error\":{\"message\":\"Request body too large: 150000 tokens "
                + "(max: 125000)\",\"type\":\"validation_error\",\"code\":\"bad_request\",\"param\":null}}");
    }

    @Test
    void largeBodiesUnderTheLimitAreCountedOnBoundedElastic() {
        String body = chat("hello" + " hello".repeat(20_000));
        assertThat(body.length()).isGreaterThan(TokenLimitGatewayFilterFactory.OFFLOAD_THRESHOLD_BYTES);
        MockServerWebExchange exchange = post("/v1/chat/completions", body);
        RecordingChain chain = new RecordingChain();

        filter(125000).filter(exchange, chain).block();

        assertThat(chain.thread.get()).startsWith("boundedElastic");
        assertThat(chain.forwardedBody.get()).isEqualTo(body);
        // 120,005 text bytes cannot exceed 125,000 tokens: estimated by length, ceil(120,005 / 4)
        assertThat(exchange.<Long>getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS)).isEqualTo(30_002L);
    }

    @Test
    void overTheLimitOnTheNativeSurfaceAnswersInGooglesShape() {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"The quick brown fox jumps over the lazy "
                + "dog.\"}]}]}";
        MockServerWebExchange exchange = post("/v1beta/models/gemini-2.5-flash:generateContent", body);
        RecordingChain chain = new RecordingChain();

        filter(5).filter(exchange, chain).block();

        assertThat(chain.called()).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(responseBody(exchange)).isEqualTo("{\"error\":{\"code\":400,\"message\":\"Request body too large: "
                + "10 tokens (max: 5)\",\"status\":\"INVALID_ARGUMENT\"}}");
        assertThat(exchange.<String>getAttribute(GeminiExchangeAttributes.MODEL)).isEqualTo("gemini-2.5-flash");
        assertThat(exchange.<Surface>getAttribute(GeminiExchangeAttributes.SURFACE)).isEqualTo(Surface.NATIVE);
    }

    @Test
    void malformedJsonIsA400ThatDoesNotEchoTheBody() {
        MockServerWebExchange exchange = post("/v1/chat/completions", "{\"model\": AIzaSyFAKE-not-json");
        RecordingChain chain = new RecordingChain();

        filter(1000).filter(exchange, chain).block();

        assertThat(chain.called()).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(responseBody(exchange))
                .startsWith("{\"error\":{\"message\":\"Malformed JSON in request body: ")
                .contains("\"type\":\"invalid_request_error\"")
                .doesNotContain("AIza");
    }

    @Test
    void bodyOverTheByteCapIsA413WithDeclaredLength() {
        MockServerWebExchange exchange = post("/v1/chat/completions", chat("x".repeat(500)));
        RecordingChain chain = new RecordingChain();

        factory.apply(new TokenLimitGatewayFilterFactory.Config().setMaxTokens(1000).setMaxBodyBytes(100))
                .filter(exchange, chain).block();

        assertThat(chain.called()).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
        assertThat(responseBody(exchange)).isEqualTo("{\"error\":{\"message\":\"Request body too large: more than 100 "
                + "bytes\",\"type\":\"invalid_request_error\",\"code\":\"request_too_large\",\"param\":null}}");
    }

    @Test
    void chunkedBodyOverTheByteCapIsA413() {
        Flux<DataBuffer> chunks = Flux.range(0, 10).map(i -> DefaultDataBufferFactory.sharedInstance
                .wrap("0123456789abcdefghij".getBytes(StandardCharsets.UTF_8)));
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .post("/v1beta/models/gemini-2.5-flash:generateContent").body(chunks));
        RecordingChain chain = new RecordingChain();

        factory.apply(new TokenLimitGatewayFilterFactory.Config().setMaxTokens(1000).setMaxBodyBytes(150))
                .filter(exchange, chain).block();

        assertThat(chain.called()).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
        assertThat(responseBody(exchange)).contains("\"status\":\"INVALID_ARGUMENT\"");
    }

    @Test
    void chunkedBodyIsForwardedWholeWithItsLengthAndAnnouncedBodyKeepsItsHeaders() {
        String body = chat("x".repeat(3000)); // more than the first read buffer, in 7 chunks
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int chunk = bytes.length / 7 + 1;
        Flux<DataBuffer> chunks = Flux.range(0, 7).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(
                java.util.Arrays.copyOfRange(bytes, Math.min(bytes.length, i * chunk),
                        Math.min(bytes.length, (i + 1) * chunk))));
        MockServerWebExchange chunked = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions")
                .header("Transfer-Encoding", "chunked").contentType(MediaType.APPLICATION_JSON).body(chunks));
        RecordingChain chain = new RecordingChain();

        filter(125000).filter(chunked, chain).block();

        assertThat(chain.forwardedBody.get()).isEqualTo(body);
        assertThat(chain.forwarded.getRequest().getHeaders().getContentLength()).isEqualTo(bytes.length);
        assertThat(chain.forwarded.getRequest().getHeaders().containsHeader("Transfer-Encoding")).isFalse();

        MockServerWebExchange announced = post("/v1/chat/completions", body);
        RecordingChain announcedChain = new RecordingChain();
        filter(125000).filter(announced, announcedChain).block();
        assertThat(announcedChain.forwardedBody.get()).isEqualTo(body);
        assertThat(announcedChain.forwarded.getRequest().getHeaders().getContentLength()).isEqualTo(bytes.length);
        assertThat(announcedChain.forwarded.getRequest().getHeaders().getContentType())
                .isEqualTo(MediaType.APPLICATION_JSON);
    }

    @Test
    void getAndEmptyBodiesPassWithoutCounting() {
        MockServerWebExchange get = MockServerWebExchange.from(MockServerHttpRequest
                .get("/v1beta/models/gemini-2.5-flash").header("x-goog-api-key", "client-token"));
        RecordingChain chain = new RecordingChain();
        filter(1).filter(get, chain).block();
        assertThat(chain.called()).isTrue();
        assertThat(get.<Long>getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS)).isNull();

        MockServerWebExchange empty = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        RecordingChain emptyChain = new RecordingChain();
        filter(1).filter(empty, emptyChain).block();
        assertThat(emptyChain.called()).isTrue();
        assertThat(emptyChain.forwardedBody.get()).isEmpty();
        assertThat(empty.<Long>getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS)).isNull();
    }

    @Test
    void calibrationFactorAndAutoCalibrationScaleTheEstimate() {
        String body = chat("The quick brown fox jumps over the lazy dog."); // 44 bytes: estimated 11 by length
        MockServerWebExchange fixed = post("/v1/chat/completions", body);
        factory.apply(new TokenLimitGatewayFilterFactory.Config().setMaxTokens(1000).setCalibrationFactor(1.25))
                .filter(fixed, new RecordingChain()).block();
        assertThat(fixed.<Long>getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS)).isEqualTo(14L);

        calibration.observe("gemini-2.5-flash", 11, 22); // Gemini counted twice as many
        MockServerWebExchange learned = post("/v1/chat/completions", body);
        factory.apply(new TokenLimitGatewayFilterFactory.Config().setMaxTokens(1000).setAutoCalibrate(true))
                .filter(learned, new RecordingChain()).block();
        assertThat(learned.<Long>getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS)).isEqualTo(22L);

        MockServerWebExchange notOptedIn = post("/v1/chat/completions", body);
        filter(1000).filter(notOptedIn, new RecordingChain()).block();
        assertThat(notOptedIn.<Long>getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS)).isEqualTo(11L);

        // near a limit the count is exact and calibrated the same way: 44 bytes * 2 could pass 60, 10 tokens * 2 do not
        MockServerWebExchange near = post("/v1/chat/completions", body);
        RecordingChain nearChain = new RecordingChain();
        factory.apply(new TokenLimitGatewayFilterFactory.Config().setMaxTokens(60).setAutoCalibrate(true))
                .filter(near, nearChain).block();
        assertThat(nearChain.called()).isTrue();
        assertThat(near.<Long>getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS)).isEqualTo(20L);
    }

    @Test
    void shortcutAndNameAndValidation() {
        assertThat(factory.name()).isEqualTo("TokenLimit");
        assertThat(factory.shortcutFieldOrder()).containsExactly("maxTokens");
        TokenLimitGatewayFilterFactory.Config defaults = new TokenLimitGatewayFilterFactory.Config();
        assertThat(defaults.getCalibrationFactor()).isEqualTo(1.0);
        assertThat(defaults.getPerImageTokens()).isEqualTo(258);
        assertThat(defaults.getMaxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(defaults.isAutoCalibrate()).isFalse();
        assertThatThrownBy(() -> factory.apply(defaults)).isInstanceOf(IllegalArgumentException.class);
        assertThat(filter(125000).toString()).contains("maxTokens", "125000");
    }
}
