package dev.geminigateway.web;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the request body once, with a byte cap, into a plain array kept as an exchange attribute, so that
 * TokenLimit and KeyRotation share one copy and every upstream attempt replays the same bytes. Nothing pooled
 * outlives the read: each incoming buffer is copied and released at once. KeyRotation releases the copy once the
 * upstream has answered, so a long stream does not keep the request's bytes.
 */
public final class RequestBodyCache {

    private static final byte[] EMPTY = new byte[0];
    /** Most an announced Content-Length reserves before the bytes arrive. */
    private static final int PREALLOCATE_MAX = 256 * 1024;

    /** A body still arriving after this long is refused (408): a stalled client must not hold a request open. */
    static final Duration BODY_DEADLINE = Duration.ofSeconds(120);

    private RequestBodyCache() {
    }

    /** The cached body, reading it first if no filter has. Fails with {@link BodyTooLargeException} past the cap. */
    public static Mono<byte[]> read(ServerWebExchange exchange, long maxBytes) {
        byte[] cached = exchange.getAttribute(GeminiExchangeAttributes.REQUEST_BODY);
        if (cached != null) {
            return Mono.just(cached);
        }
        long declared = exchange.getRequest().getHeaders().getContentLength();
        if (declared > maxBytes) {
            return Mono.error(new BodyTooLargeException(maxBytes));
        }
        // sized up front by the declared length, but never beyond what a client must actually send to fill it
        int expected = (int) Math.min(Math.max(declared, 0), PREALLOCATE_MAX);
        return exchange.getRequest().getBody()
                .reduceWith(() -> new Collected(expected), (out, buffer) -> out.append(buffer, maxBytes))
                .timeout(BODY_DEADLINE, Mono.error(() -> new ResponseStatusException(HttpStatus.REQUEST_TIMEOUT,
                        "the request body did not arrive in time")))
                .map(Collected::bytes)
                .defaultIfEmpty(EMPTY)
                .doOnNext(body -> {
                    exchange.getAttributes().put(GeminiExchangeAttributes.REQUEST_BODY, body);
                    exchange.getAttributes().put(GeminiExchangeAttributes.REQUEST_BODY_READ, Boolean.TRUE);
                });
    }

    /**
     * The body's bytes, copied once from each buffer into an array sized by the declared length (a body that
     * arrives as announced is not copied again).
     */
    private static final class Collected {

        private byte[] bytes;
        private int size;

        Collected(int expected) {
            this.bytes = expected > 0 ? new byte[expected] : EMPTY;
        }

        Collected append(DataBuffer buffer, long maxBytes) {
            try {
                int length = buffer.readableByteCount();
                if (size + (long) length > maxBytes) {
                    throw new BodyTooLargeException(maxBytes);
                }
                if (size + length > bytes.length) {
                    long grown = Math.min(Math.max(2L * bytes.length, 1024), Math.min(maxBytes, Integer.MAX_VALUE - 8));
                    bytes = Arrays.copyOf(bytes, (int) Math.max(size + length, grown));
                }
                buffer.read(bytes, size, length);
                size += length;
                return this;
            } finally {
                DataBufferUtils.release(buffer);
            }
        }

        byte[] bytes() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }
    }

    /** A request whose body is {@code body}, wrapped afresh on every subscription, with a matching length. */
    public static ServerHttpRequest replay(ServerHttpRequest request, byte[] body) {
        return replay(request, body.length, () -> body);
    }

    /**
     * A request whose body is the exchange's cached body, looked up on every subscription rather than held, so that
     * {@link #release(ServerWebExchange)} lets the bytes go even while requests built from this one are still
     * referenced (by a connection serving a long stream, for one). Call {@link #read} first.
     */
    public static ServerHttpRequest replay(ServerWebExchange exchange, ServerHttpRequest request) {
        byte[] body = exchange.getAttribute(GeminiExchangeAttributes.REQUEST_BODY);
        return replay(request, body == null ? 0 : body.length,
                () -> exchange.getAttribute(GeminiExchangeAttributes.REQUEST_BODY));
    }

    /** Drops the cached body: once the upstream has answered, no attempt will send it again. */
    public static void release(ServerWebExchange exchange) {
        exchange.getAttributes().remove(GeminiExchangeAttributes.REQUEST_BODY);
    }

    private static ServerHttpRequest replay(ServerHttpRequest request, int length, Supplier<byte[]> body) {
        HttpHeaders headers = replayHeaders(request.getHeaders(), length);
        return new ServerHttpRequestDecorator(request) {
            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }

            @Override
            public Flux<DataBuffer> getBody() {
                return length == 0 ? Flux.empty() : Flux.defer(() -> {
                    byte[] bytes = body.get();
                    // Never send fewer bytes than the Content-Length already promised.
                    return bytes == null ? Flux.error(new IllegalStateException("request body already released"))
                            : Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes));
                });
            }
        };
    }

    /**
     * The headers that announce {@code length} bytes: the request's own when they already do (the usual case, a
     * client that sent a Content-Length), else a copy with the length set and no Transfer-Encoding.
     */
    private static HttpHeaders replayHeaders(HttpHeaders original, int length) {
        long declared = original.getContentLength();
        if (declared == length && !original.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            return original;
        }
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(original);
        headers.remove(HttpHeaders.TRANSFER_ENCODING);
        if (length > 0 || declared >= 0) {
            headers.setContentLength(length);
        }
        return headers;
    }
}
