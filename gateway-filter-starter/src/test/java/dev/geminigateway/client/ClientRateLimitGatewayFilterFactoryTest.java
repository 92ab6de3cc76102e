package dev.geminigateway.client;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import dev.geminigateway.support.MutableClock;
import dev.geminigateway.web.GeminiExchangeAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-token limits of {@code ClientRateLimit=,,token}: each client's own, the defaults for the others. */
class ClientRateLimitGatewayFilterFactoryTest {

    private static final String LIMITED_TOKEN = "limited-token-0123456789";
    private static final String FREE_TOKEN = "unlimited-token-0123456789";
    private static final String TPM_TOKEN = "tokens-token-0123456789";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ClientTokens tokens = ClientTokens.issued(List.of(
            new IssuedToken("batch-job", LIMITED_TOKEN, new ClientRateLimiter.Config().setRequestsPerMinute(3)),
            IssuedToken.plain(FREE_TOKEN),
            new IssuedToken("summariser", TPM_TOKEN, new ClientRateLimiter.Config().setTokensPerMinute(100L))));
    private final AtomicInteger forwarded = new AtomicInteger();
    private final GatewayFilterChain chain = exchange -> {
        forwarded.incrementAndGet();
        return Mono.empty();
    };

    /** Sample gateway defaults: no limit for anyone unless the token sets one. */
    private GatewayFilter byToken(ClientRateLimiter.Config defaults) {
        ClientRateLimiter limiter = new ClientRateLimiter(defaults, 1000, clock, null);
        ClientRateLimitGatewayFilterFactory factory = new ClientRateLimitGatewayFilterFactory(limiter,
                new ClientAddressResolver(List.of()), tokens, meters);
        ClientRateLimitGatewayFilterFactory.Config config = new ClientRateLimitGatewayFilterFactory.Config()
                .setKeyBy(ClientRateLimitGatewayFilterFactory.KeyBy.TOKEN);
        config.setRouteId("r");
        return factory.apply(config);
    }

    private MockServerWebExchange request(String token, Long estimatedTokens) {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.post("/v1beta/models/gemini-2.5-flash:generateContent")
                        .header("x-goog-api-key", "stripped-by-ClientAuth"));
        exchange.getAttributes().put(GeminiExchangeAttributes.CLIENT_ID, tokens.authenticate(token).orElseThrow());
        if (estimatedTokens != null) {
            exchange.getAttributes().put(GeminiExchangeAttributes.ESTIMATED_TOKENS, estimatedTokens);
        }
        return exchange;
    }

    private int status(GatewayFilter filter, MockServerWebExchange exchange) {
        filter.filter(exchange, chain).block();
        return exchange.getResponse().getStatusCode() == null ? 200 : exchange.getResponse().getStatusCode().value();
    }

    @Test
    void aTokensOwnLimitAppliesToThatTokenOnly() {
        GatewayFilter filter = byToken(new ClientRateLimiter.Config());

        for (int i = 0; i < 150; i++) {
            assertThat(status(filter, request(FREE_TOKEN, null))).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(status(filter, request(LIMITED_TOKEN, null))).isEqualTo(200);
        }
        MockServerWebExchange refused = request(LIMITED_TOKEN, null);
        assertThat(status(filter, refused)).isEqualTo(429);
        assertThat(refused.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("20");
        assertThat(refused.getResponse().getBodyAsString().block())
                .contains("\"status\":\"RESOURCE_EXHAUSTED\"").contains("3 requests per minute");
        assertThat(status(filter, request(FREE_TOKEN, null))).as("the other token is not limited").isEqualTo(200);
        assertThat(forwarded).hasValue(154);
    }

    @Test
    void aTokensOwnLimitWinsOverTheDefaultsWhichApplyToTheOthers() {
        GatewayFilter filter = byToken(new ClientRateLimiter.Config().setRequestsPerMinute(5));

        for (int i = 0; i < 5; i++) {
            assertThat(status(filter, request(FREE_TOKEN, null))).isEqualTo(200);
        }
        assertThat(status(filter, request(FREE_TOKEN, null))).isEqualTo(429);
        for (int i = 0; i < 3; i++) {
            assertThat(status(filter, request(LIMITED_TOKEN, null))).isEqualTo(200);
        }
        assertThat(status(filter, request(LIMITED_TOKEN, null))).as("its own 3, not the default 5").isEqualTo(429);
    }

    @Test
    void tokensPerMinuteUseTheEstimateAndRefuseARequestLargerThanTheMinuteWithoutRetryAfter() {
        GatewayFilter filter = byToken(new ClientRateLimiter.Config());

        assertThat(status(filter, request(TPM_TOKEN, 60L))).isEqualTo(200);
        MockServerWebExchange overMinute = request(TPM_TOKEN, 60L);
        assertThat(status(filter, overMinute)).isEqualTo(429);
        // 20 tokens short; the bucket refills 100 a minute: 12 s
        assertThat(overMinute.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("12");
        assertThat(overMinute.getResponse().getBodyAsString().block()).contains("100 estimated input tokens per minute");

        MockServerWebExchange tooLarge = request(TPM_TOKEN, 150L);
        assertThat(status(filter, tooLarge)).isEqualTo(429);
        assertThat(tooLarge.getResponse().getHeaders().getFirst("Retry-After")).isNull();
        assertThat(tooLarge.getResponse().getBodyAsString().block()).contains("larger than that");

        assertThat(status(filter, request(LIMITED_TOKEN, 5_000_000L))).as("no token limit for the others").isEqualTo(200);
        assertThat(forwarded).hasValue(2);
    }

    @Test
    void metricsNameTheClientNeverItsToken() {
        GatewayFilter filter = byToken(new ClientRateLimiter.Config());
        for (int i = 0; i < 4; i++) {
            status(filter, request(LIMITED_TOKEN, null));
        }
        status(filter, request(FREE_TOKEN, null));

        assertThat(meters.get(ClientUsageMetrics.REQUESTS).tags("client", "batch-job", "result", "allowed").counter()
                .count()).isEqualTo(3);
        assertThat(meters.get(ClientUsageMetrics.REQUESTS).tags("client", "batch-job", "result", "limited").counter()
                .count()).isEqualTo(1);
        assertThat(meters.get(ClientUsageMetrics.REQUESTS).tags("client", IssuedToken.derivedName(FREE_TOKEN)).counter()
                .count()).isEqualTo(1);
        for (Meter meter : meters.getMeters()) {
            assertThat(meter.getId().toString()).doesNotContain(LIMITED_TOKEN).doesNotContain(FREE_TOKEN)
                    .doesNotContain(TPM_TOKEN);
        }
    }
}
