package dev.geminigateway.observability;

import java.util.Map;

import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdWebFilterTest {

    @Test
    void acceptsPlainTokensUpTo64Characters() {
        assertThat(RequestIdWebFilter.accept("abc-DEF_1.2")).isEqualTo("abc-DEF_1.2");
        assertThat(RequestIdWebFilter.accept("a".repeat(64))).isEqualTo("a".repeat(64));
    }

    @Test
    void replacesMissingLongOrUnsafeIds() {
        assertThat(RequestIdWebFilter.accept(null)).matches("[0-9a-f-]{36}");
        assertThat(RequestIdWebFilter.accept("")).matches("[0-9a-f-]{36}");
        assertThat(RequestIdWebFilter.accept("a".repeat(65))).matches("[0-9a-f-]{36}");
        assertThat(RequestIdWebFilter.accept("x\r\nforged: 1")).matches("[0-9a-f-]{36}");
        assertThat(RequestIdWebFilter.accept("<script>")).matches("[0-9a-f-]{36}");
    }

    @Test
    void putsTheIdIntoTheMdcContextOnlyWhenPropagationIsAutomatic() {
        boolean before = Hooks.isAutomaticContextPropagationEnabled();
        try {
            Hooks.disableAutomaticContextPropagation();
            assertThat(contextSeenBy("limited-1").hasKey(Slf4jThreadLocalAccessor.KEY)).isFalse();
            Hooks.enableAutomaticContextPropagation();
            assertThat(contextSeenBy("auto-1").<Map<String, String>>get(Slf4jThreadLocalAccessor.KEY))
                    .containsEntry(RequestIdWebFilter.MDC_KEY, "auto-1");
        }
        finally {
            if (before) {
                Hooks.enableAutomaticContextPropagation();
            }
            else {
                Hooks.disableAutomaticContextPropagation();
            }
        }
    }

    private static ContextView contextSeenBy(String requestId) {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/v1/models").header(RequestIdWebFilter.HEADER, requestId));
        ContextView[] seen = new ContextView[1];
        new RequestIdWebFilter().filter(exchange, ex -> Mono.deferContextual(context -> {
            seen[0] = context;
            return Mono.<Void>empty();
        })).block();
        assertThat(exchange.getResponse().getHeaders().getFirst(RequestIdWebFilter.HEADER)).isEqualTo(requestId);
        return seen[0];
    }
}
