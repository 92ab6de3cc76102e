package dev.geminigateway.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.geminigateway.web.GeminiExchangeAttributes;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.factory.RequestRateLimiterGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.ratelimit.PrincipalNameKeyResolver;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import dev.geminigateway.support.MutableClock;
import dev.geminigateway.support.RawHttpConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One gateway context with ClientAuth routes in front of a capturing stub upstream. Redis is on the test classpath,
 * so Spring Cloud Gateway's own RedisRateLimiter and principalNameKeyResolver are in this context too: the routes
 * that name our limiter prove the two coexist. Tests use their own X-Forwarded-For address (127.0.0.1 is a trusted
 * proxy here) or token, so they share the context without sharing lockout or bucket state.
 */
@SpringBootTest(classes = ClientProtectionIntegrationTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gemini.gateway.client-auth.tokens[0]=token-alpha-0123456789",
        "gemini.gateway.client-auth.tokens[1]=token-beta-0123456789",
        "gemini.gateway.client-auth.tokens[2].name=nightly-batch",
        "gemini.gateway.client-auth.tokens[2].token=" + ClientProtectionIntegrationTest.GAMMA,
        "gemini.gateway.client-auth.tokens[2].requests-per-minute=2",
        "gemini.gateway.client-auth.trusted-proxies=127.0.0.0/8,::1" })
@AutoConfigureWebTestClient
class ClientProtectionIntegrationTest {

    static final String ALPHA = "token-alpha-0123456789";
    static final String BETA = "token-beta-0123456789";
    static final String GAMMA = "token-gamma-0123456789";

    record Captured(String method, String uri, Map<String, List<String>> headers) {
    }

    static final List<Captured> upstream = new CopyOnWriteArrayList<>();

    static final DisposableServer stub = HttpServer.create().host("127.0.0.1").port(0)
            .handle((request, response) -> {
                Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
                request.requestHeaders().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(), k -> new ArrayList<>()).add(h.getValue()));
                upstream.add(new Captured(request.method().name(), request.uri(), headers));
                return response.header("Content-Type", "application/json").sendString(Mono.just("{\"ok\":true}")).then();
            })
            .bindNow();

    /** All route properties in one source: an indexed list binds from the single source that has it. */
    @DynamicPropertySource
    static void routesToStub(DynamicPropertyRegistry registry) {
        String uri = "http://127.0.0.1:" + stub.port();
        registry.add("spring.cloud.gateway.server.webflux.routes[0].id", () -> "native");
        registry.add("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", () -> "Path=/v1beta/**");
        registry.add("spring.cloud.gateway.server.webflux.routes[0].filters[0]", () -> "ClientAuth");
        registry.add("spring.cloud.gateway.server.webflux.routes[1].id", () -> "openai");
        registry.add("spring.cloud.gateway.server.webflux.routes[1].predicates[0]", () -> "Path=/v1/**");
        registry.add("spring.cloud.gateway.server.webflux.routes[1].filters[0]", () -> "ClientAuth");
        registry.add("spring.cloud.gateway.server.webflux.routes[2].id", () -> "limited");
        registry.add("spring.cloud.gateway.server.webflux.routes[2].predicates[0]", () -> "Path=/limited/**");
        registry.add("spring.cloud.gateway.server.webflux.routes[2].filters[0]", () -> "ClientAuth");
        registry.add("spring.cloud.gateway.server.webflux.routes[2].filters[1]", () -> "ClientRateLimit=2,0,token");
        registry.add("spring.cloud.gateway.server.webflux.routes[3].id", () -> "scg-limited");
        registry.add("spring.cloud.gateway.server.webflux.routes[3].predicates[0]", () -> "Path=/scg/**");
        registry.add("spring.cloud.gateway.server.webflux.routes[3].filters[0]", () -> "ClientAuth");
        registry.add("spring.cloud.gateway.server.webflux.routes[3].filters[1].name", () -> "RequestRateLimiter");
        registry.add("spring.cloud.gateway.server.webflux.routes[3].filters[1].args.rate-limiter", () -> "#{@clientRateLimiter}");
        registry.add("spring.cloud.gateway.server.webflux.routes[3].filters[1].args.key-resolver", () -> "#{@clientTokenKeyResolver}");
        registry.add("spring.cloud.gateway.server.webflux.routes[3].filters[1].args[client-rate-limiter.requests-per-minute]", () -> "2");
        registry.add("spring.cloud.gateway.server.webflux.routes[4].id", () -> "per-token");
        registry.add("spring.cloud.gateway.server.webflux.routes[4].predicates[0]", () -> "Path=/per-token/**");
        registry.add("spring.cloud.gateway.server.webflux.routes[4].filters[0]", () -> "ClientAuth");
        registry.add("spring.cloud.gateway.server.webflux.routes[4].filters[1].name", () -> "ClientRateLimit");
        registry.add("spring.cloud.gateway.server.webflux.routes[4].filters[1].args.key-by", () -> "token");
        for (int i = 0; i < 5; i++) {
            registry.add("spring.cloud.gateway.server.webflux.routes[" + i + "].uri", () -> uri);
        }
    }

    @AfterAll
    static void stopStub() {
        stub.disposeNow();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        MutableClock testClock() {
            return new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
        }

        /** Shows the client id upstream, so the test can see the attribute ClientAuth set. */
        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE - 100)
        GlobalFilter clientIdProbe() {
            return (exchange, chain) -> {
                String client = exchange.getAttribute(GeminiExchangeAttributes.CLIENT_ID);
                return chain.filter(client == null ? exchange : exchange.mutate()
                        .request(exchange.getRequest().mutate().header("X-Test-Client-Id", client).build()).build());
            };
        }
    }

    @Autowired
    WebTestClient client;

    @Autowired
    MutableClock clock;

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @BeforeEach
    void clearCaptures() {
        upstream.clear();
    }

    private Captured onlyUpstreamRequest() {
        assertThat(upstream).hasSize(1);
        Captured captured = upstream.get(0);
        assertThat(captured.headers().toString()).doesNotContain(ALPHA).doesNotContain(BETA);
        assertThat(captured.uri()).doesNotContain(ALPHA);
        return captured;
    }

    @Test
    void bearerTokenIsAcceptedAndRemoved() {
        client.post().uri("/v1/chat/completions").header("Authorization", "Bearer " + ALPHA)
                .header("X-Forwarded-For", "198.51.100.1").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"gemini-2.5-flash\",\"messages\":[]}")
                .exchange().expectStatus().isOk();

        Captured captured = onlyUpstreamRequest();
        assertThat(captured.uri()).isEqualTo("/v1/chat/completions");
        assertThat(captured.headers()).doesNotContainKey("authorization").doesNotContainKey("x-goog-api-key")
                .containsEntry("x-test-client-id", List.of(IssuedToken.derivedName(ALPHA)));
    }

    @Test
    void googleHeaderTokenIsAcceptedAndRemoved() {
        client.post().uri("/v1beta/models/gemini-2.5-flash:generateContent").header("x-goog-api-key", BETA)
                .header("X-Forwarded-For", "198.51.100.2").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"contents\":[]}")
                .exchange().expectStatus().isOk();

        Captured captured = onlyUpstreamRequest();
        assertThat(captured.uri()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(captured.headers()).doesNotContainKey("x-goog-api-key").doesNotContainKey("authorization")
                .containsEntry("x-test-client-id", List.of(IssuedToken.derivedName(BETA)));
    }

    @Test
    void queryKeyTokenIsAcceptedAndRemovedKeepingOtherParameters() {
        // a URI, not a template, so the client sends %20 as written
        client.get().uri(java.net.URI.create("http://localhost:" + port
                        + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=" + ALPHA + "&note=a%20b%2Bc"))
                .header("X-Forwarded-For", "198.51.100.3")
                .exchange().expectStatus().isOk();

        Captured captured = onlyUpstreamRequest();
        assertThat(captured.uri()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&note=a%20b%2Bc");
    }

    @Test
    void wrongOrMissingTokenGets401InOpenAiShape() {
        client.post().uri("/v1/chat/completions").header("Authorization", "Bearer not-a-token")
                .header("X-Forwarded-For", "198.51.100.4").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isUnauthorized()
                .expectBody()
                .jsonPath("$.error.message").isEqualTo(ClientAuthGatewayFilterFactory.INVALID_MESSAGE)
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("invalid_api_key");

        client.get().uri("/v1/models").header("X-Forwarded-For", "198.51.100.4")
                .exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.message").isEqualTo(ClientAuthGatewayFilterFactory.MISSING_MESSAGE);

        assertThat(upstream).isEmpty();
    }

    @Test
    void wrongTokenGets401InGoogleShape() {
        client.post().uri("/v1beta/models/gemini-2.5-flash:generateContent").header("x-goog-api-key", "AIzaNotOurs")
                .header("X-Forwarded-For", "198.51.100.5").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isUnauthorized()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo(401)
                .jsonPath("$.error.status").isEqualTo("UNAUTHENTICATED")
                .jsonPath("$.error.message").isEqualTo(ClientAuthGatewayFilterFactory.INVALID_MESSAGE);

        // GET /v1/models with key= is the Google SDK's: the error follows the credential's place
        client.get().uri("/v1/models?key=wrong").header("X-Forwarded-For", "198.51.100.5")
                .exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.status").isEqualTo("UNAUTHENTICATED");

        assertThat(upstream).isEmpty();
    }

    @Test
    void threeWrongTokensLockTheAddressOutEvenForAGoodTokenUntilTheBlockEnds() {
        String attacker = "203.0.113.66";
        for (int i = 0; i < 3; i++) {
            client.get().uri("/v1/models").header("Authorization", "Bearer guess-" + i).header("X-Forwarded-For", attacker)
                    .exchange().expectStatus().isUnauthorized();
        }

        client.get().uri("/v1/models").header("Authorization", "Bearer " + ALPHA).header("X-Forwarded-For", attacker)
                .exchange().expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("Retry-After", "300")
                .expectBody().jsonPath("$.error.code").isEqualTo("rate_limit_exceeded");
        client.get().uri("/v1beta/models").header("x-goog-api-key", ALPHA).header("X-Forwarded-For", attacker)
                .exchange().expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error.status").isEqualTo("RESOURCE_EXHAUSTED");
        // another client behind the same trusted proxy is not affected: X-Forwarded-For is honoured from 127.0.0.1
        client.get().uri("/v1/models").header("Authorization", "Bearer " + ALPHA).header("X-Forwarded-For", "203.0.113.67")
                .exchange().expectStatus().isOk();

        clock.advance(Duration.ofMinutes(5));

        client.get().uri("/v1/models").header("Authorization", "Bearer " + ALPHA).header("X-Forwarded-For", attacker)
                .exchange().expectStatus().isOk();
    }

    @Test
    void clientRateLimitAnswersInTheSurfaceShapeWithHeaders() {
        for (int remaining = 1; remaining >= 0; remaining--) {
            client.get().uri("/limited/anything").header("Authorization", "Bearer " + BETA).header("X-Forwarded-For", "198.51.100.8")
                    .exchange().expectStatus().isOk()
                    .expectHeader().valueEquals("X-RateLimit-Limit", "2")
                    .expectHeader().valueEquals("X-RateLimit-Remaining", Integer.toString(remaining));
        }

        // keyed by token: a new address does not get a new budget
        client.get().uri("/limited/anything").header("Authorization", "Bearer " + BETA).header("X-Forwarded-For", "198.51.100.9")
                .exchange().expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("Retry-After", "30")
                .expectHeader().valueEquals("X-RateLimit-Remaining", "0")
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("requests")
                .jsonPath("$.error.code").isEqualTo("rate_limit_exceeded")
                .jsonPath("$.error.message").value(message -> assertThat((String) message).contains("2 requests per minute"));
        assertThat(upstream).hasSize(2);
    }

    @Test
    void springCloudGatewayRequestRateLimiterUsesOurLimiterByName() {
        for (int remaining = 1; remaining >= 0; remaining--) {
            client.get().uri("/scg/anything").header("Authorization", "Bearer " + ALPHA).header("X-Forwarded-For", "198.51.100.10")
                    .exchange().expectStatus().isOk()
                    .expectHeader().valueEquals("X-RateLimit-Remaining", Integer.toString(remaining));
        }

        client.get().uri("/scg/anything").header("Authorization", "Bearer " + ALPHA).header("X-Forwarded-For", "198.51.100.10")
                .exchange().expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("Retry-After", "30");
        assertThat(upstream).hasSize(2);
    }

    @Test
    void coexistsWithSpringCloudGatewayRedisRateLimiter() {
        RequestRateLimiterGatewayFilterFactory factory = context.getBean(RequestRateLimiterGatewayFilterFactory.class);

        assertThat(context.getBeansOfType(RedisRateLimiter.class)).containsKey("redisRateLimiter");
        assertThat(factory.getDefaultRateLimiter()).isInstanceOf(RedisRateLimiter.class);
        assertThat(factory.getDefaultKeyResolver()).isInstanceOf(PrincipalNameKeyResolver.class);
        assertThat(context.getBean("clientRateLimiter")).isInstanceOf(ClientRateLimiter.class);
        assertThat(context.getBean("clientIpKeyResolver")).isInstanceOf(ClientIpKeyResolver.class);
        assertThat(context.getBean("clientTokenKeyResolver")).isInstanceOf(ClientTokenKeyResolver.class);
        assertThat(context.getBean(Clock.class)).isSameAs(clock);
    }

    @Test
    void aNamedTokensOwnLimitAppliesOnlyToItWhileOtherTokensHaveNoneByDefault() {
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        // the registry is shared with the other tests of this context (another one may refuse nightly-batch too)
        double limitedBefore = limitedCount(meters);
        for (int i = 0; i < 5; i++) {
            client.get().uri("/per-token/anything").header("Authorization", "Bearer " + ALPHA)
                    .header("X-Forwarded-For", "198.51.100.11").exchange().expectStatus().isOk();
        }
        for (int i = 0; i < 2; i++) {
            client.get().uri("/per-token/anything").header("x-goog-api-key", GAMMA)
                    .header("X-Forwarded-For", "198.51.100.11").exchange().expectStatus().isOk();
        }
        client.get().uri("/per-token/anything").header("x-goog-api-key", GAMMA).header("X-Forwarded-For", "198.51.100.11")
                .exchange().expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("Retry-After", "30")
                .expectBody().jsonPath("$.error.status").isEqualTo("RESOURCE_EXHAUSTED");

        assertThat(upstream).hasSize(7);
        assertThat(upstream.get(6).headers()).containsEntry("x-test-client-id", List.of("nightly-batch"));
        assertThat(limitedCount(meters) - limitedBefore).isEqualTo(1);
        assertThat(meters.getMeters()).allSatisfy(meter -> assertThat(meter.getId().toString())
                .doesNotContain(GAMMA).doesNotContain(ALPHA));
    }

    private static double limitedCount(MeterRegistry meters) {
        io.micrometer.core.instrument.Counter counter = meters.find("gemini.gateway.client.requests")
                .tags("client", "nightly-batch", "result", "limited").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void refusalsBeforeTheBodyIsReadLeaveTheKeepAliveConnectionServingTheNextRequest() throws Exception {
        // Each refusal comes before any filter read the body (64 KB: several reads, so part is still arriving): the
        // gateway reads the rest before it answers, so the next request on the same connection is served, not stalled.
        byte[] large = ("{\"contents\":\"" + "x".repeat(64 * 1024) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (RawHttpConnection connection = new RawHttpConnection(port, 15_000)) {
            assertThat(connection.exchange("POST", "/v1/chat/completions", Map.of("X-Forwarded-For", "198.51.100.20"),
                    large)).as("missing token").isEqualTo(401);
            assertThat(connection.answerClosesConnection()).as("the refusal keeps the connection").isFalse();
            for (int i = 0; i < 2; i++) {
                assertThat(connection.exchange("GET", "/limited/keep-alive", Map.of("x-goog-api-key", GAMMA,
                        "X-Forwarded-For", "198.51.100.21"), new byte[0])).isEqualTo(200);
            }
            assertThat(connection.exchange("POST", "/limited/keep-alive", Map.of("x-goog-api-key", GAMMA,
                    "X-Forwarded-For", "198.51.100.21"), large)).as("client rate limit").isEqualTo(429);
            List<Integer> wrongTokens = new ArrayList<>();
            for (int i = 0; i < 10 && !wrongTokens.contains(429); i++) {
                wrongTokens.add(connection.exchange("POST", "/v1/chat/completions", Map.of("Authorization",
                        "Bearer wrong-token", "X-Forwarded-For", "198.51.100.22"), large));
            }
            assertThat(wrongTokens).as("wrong tokens, then the lockout").contains(401).endsWith(429);
            assertThat(connection.exchange("GET", "/v1/models", Map.of("Authorization", "Bearer " + ALPHA,
                    "X-Forwarded-For", "198.51.100.23"), new byte[0])).isEqualTo(200);
        }
    }
}
