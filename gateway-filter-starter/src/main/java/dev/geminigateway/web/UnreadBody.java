package dev.geminigateway.web;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * The body of a request refused before any filter read it. Its bytes are still arriving on the client's keep-alive
 * connection: the gateway reads them to the end (up to the largest body it would accept, within a deadline) before
 * it answers, so the connection serves the client's next request cleanly and a client still sending sees the answer.
 * A body too large, too slow or already half read is not waited for: the answer then closes the connection.
 */
final class UnreadBody {

    /** The default body cap of TokenLimit and KeyRotation: a body the gateway would have read anyway. */
    static final long DRAIN_LIMIT = 10L * 1024 * 1024;

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private UnreadBody() {
    }

    /** Whether the request announced a body that no filter has read to its end. */
    static boolean pending(ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        boolean announced = headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
        return announced && exchange.getAttribute(GeminiExchangeAttributes.REQUEST_BODY_READ) == null;
    }

    /** Reads and drops the rest of the body; emits whether the connection can stay open (false: close it). */
    static Mono<Boolean> discard(ServerWebExchange exchange) {
        if (exchange.getRequest().getHeaders().getContentLength() > DRAIN_LIMIT) {
            return Mono.just(false);
        }
        AtomicLong seen = new AtomicLong();
        return exchange.getRequest().getBody()
                .doOnNext(buffer -> {
                    long total = seen.addAndGet(buffer.readableByteCount());
                    DataBufferUtils.release(buffer);
                    if (total > DRAIN_LIMIT) {
                        throw new IllegalStateException("unread body over the drain limit");
                    }
                })
                .then(Mono.just(true))
                .timeout(DEADLINE)
                .onErrorReturn(false);
    }
}
