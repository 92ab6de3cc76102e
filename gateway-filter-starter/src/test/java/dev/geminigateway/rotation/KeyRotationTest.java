package dev.geminigateway.rotation;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.outcome.GeminiErrorClassifier;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.support.MutableClock;
import dev.geminigateway.web.ErrorAnswers;
import dev.geminigateway.web.GeminiExchangeAttributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The rotation driven directly, with a stand-in for the rest of the gateway chain. */
class KeyRotationTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String BODY = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
    private final UpstreamBreakers breakers = new UpstreamBreakers(4, 50f, Duration.ofSeconds(5));
    private final RotationPolicy policy = new RotationPolicy(3, Duration.ofSeconds(30), Duration.ZERO, 1 << 20,
            new Backoff(Duration.ZERO, Duration.ZERO), Duration.ofSeconds(5), false);
    private final KeyRotation rotation;

    KeyRotationTest() {
        List<ApiKey> keys = List.of(new ApiKey("AIzaSyRotationTestKey1aaaaaaaaaaaaaaaaaaa", "p1", null, "g"),
                new ApiKey("AIzaSyRotationTestKey2bbbbbbbbbbbbbbbbbbb", "p2", null, "g"));
        KeyRegistry registry = new KeyRegistry(List.of(new KeyGroup("g", keys, Set.of())));
        JsonMapper json = JsonMapper.builder().build();
        rotation = new KeyRotation(registry, new KeySelector(new InMemoryKeyStateStore()),
                new GeminiErrorClassifier(json, clock), new RetryBudget(0.2, 100), new PoolThrottle(1000,
                        Duration.ofSeconds(10), Duration.ofSeconds(5), clock), breakers, QuotaGate.NONE,
                new ErrorAnswers(json, false), clock);
    }

    @Test
    void cancelledHalfOpenTrialsGiveTheirPermitsBack() {
        CircuitBreaker breaker = breakers.forModel("g", MODEL);
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        AtomicInteger sent = new AtomicInteger();
        GatewayFilterChain hanging = exchange -> {
            sent.incrementAndGet();
            return Mono.never();
        };
        // Both trial calls the half-open breaker allows reach the upstream, then their clients go away.
        for (int i = 0; i < 2; i++) {
            Disposable call = rotation.rotate(exchange(), hanging, List.of("g"), policy).subscribe();
            call.dispose();
        }
        assertThat(sent).hasValue(2);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);

        // Without the permits back the breaker would refuse every later call with 503, and never close.
        for (int i = 0; i < 2; i++) {
            MockServerWebExchange exchange = exchange();
            rotation.rotate(exchange, answering(HttpStatus.OK), List.of("g"), policy)
                    .block(Duration.ofSeconds(10));
            assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aTrialThatTimesOutCountsAsAFailedCall() {
        CircuitBreaker breaker = breakers.forModel("g", MODEL);
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        RotationPolicy oneAttempt = policy.forRoute(1, Duration.ofMillis(100), null);
        MockServerWebExchange exchange = exchange();
        rotation.rotate(exchange, e -> Mono.never(), List.of("g"), oneAttempt).block(Duration.ofSeconds(10));
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        // The second trial permit is still free.
        assertThat(breaker.tryAcquirePermission()).isTrue();
    }

    @Test
    void theRequestBodyIsReleasedOnceTheUpstreamHasAnswered() {
        List<String> bodiesSent = new ArrayList<>();
        AtomicReference<ServerHttpRequest> lastRequest = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        GatewayFilterChain failsOnceThenAnswers = attempt -> {
            lastRequest.set(attempt.getRequest());
            return bodyOf(attempt.getRequest()).doOnNext(bodiesSent::add).then(calls.incrementAndGet() == 1
                    ? Mono.error(new ConnectException("refused"))
                    : Mono.fromRunnable(() -> attempt.getResponse().setStatusCode(HttpStatus.OK)));
        };
        MockServerWebExchange exchange = exchange();
        rotation.rotate(exchange, failsOnceThenAnswers, List.of("g"), policy).block(Duration.ofSeconds(10));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        // Held for every attempt while another one might follow...
        assertThat(bodiesSent).containsExactly(BODY, BODY);
        // ...and let go once the answer is known, also by the request the upstream connection still references. The
        // release runs in a doFinally, just after the completion reached block(): waited for, not raced.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> exchange.<byte[]>getAttribute(GeminiExchangeAttributes.REQUEST_BODY) == null);
        assertThatThrownBy(() -> bodyOf(lastRequest.get()).block()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released");
    }

    private static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.post("/v1beta/models/" + MODEL + ":generateContent")
                .header("Content-Type", "application/json").body(BODY));
    }

    private static GatewayFilterChain answering(HttpStatus status) {
        return attempt -> bodyOf(attempt.getRequest())
                .then(Mono.fromRunnable(() -> attempt.getResponse().setStatusCode(status)));
    }

    private static Mono<String> bodyOf(ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody()).map(buffer -> buffer.toString(StandardCharsets.UTF_8));
    }
}
