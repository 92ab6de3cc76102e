package dev.geminigateway.web;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * Reads and drops what a client sent before the gateway refuses it without looking at the body (a missing token, a
 * rate limit): an answer that leaves the body unread on a keep-alive connection stalls the next request on it.
 * A body larger than {@link #MAX_BYTES} is not read to its end: that answer closes the connection instead, so an
 * unauthenticated client cannot make the gateway read without bound.
 */
public final class UnreadBodyDrain {

    static final long MAX_BYTES = 1024 * 1024;

    private UnreadBodyDrain() {
    }

    /** Drains the request body (unless a filter already read it), then writes {@code answer}. */
    public static Mono<Void> thenAnswer(ServerWebExchange exchange, Supplier<Mono<Void>> answer) {
        if (exchange.getAttribute(GeminiExchangeAttributes.REQUEST_BODY) != null) {
            return Mono.defer(answer);
        }
        AtomicLong read = new AtomicLong();
        return exchange.getRequest().getBody()
                .takeWhile(buffer -> {
                    long total = read.addAndGet(buffer.readableByteCount());
                    DataBufferUtils.release(buffer);
                    return total <= MAX_BYTES;
                })
                .onErrorComplete()
                .then(Mono.defer(() -> {
                    if (read.get() > MAX_BYTES) {
                        exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
                    }
                    return answer.get();
                }));
    }
}
