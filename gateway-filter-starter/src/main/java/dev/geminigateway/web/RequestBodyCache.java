package dev.geminigateway.web;

import java.io.ByteArrayOutputStream;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the request body once, with a byte cap, into a plain array kept as an exchange attribute, so that
 * TokenLimit and KeyRotation share one copy and every upstream attempt replays the same bytes. Nothing pooled
 * outlives the read: each incoming buffer is copied and released at once.
 */
public final class RequestBodyCache {

    private static final byte[] EMPTY = new byte[0];

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
        return exchange.getRequest().getBody()
                .reduce(new ByteArrayOutputStream(), (out, buffer) -> append(out, buffer, maxBytes))
                .map(ByteArrayOutputStream::toByteArray)
                .defaultIfEmpty(EMPTY)
                .doOnNext(body -> exchange.getAttributes().put(GeminiExchangeAttributes.REQUEST_BODY, body));
    }

    private static ByteArrayOutputStream append(ByteArrayOutputStream out, DataBuffer buffer, long maxBytes) {
        try {
            if (out.size() + (long) buffer.readableByteCount() > maxBytes) {
                throw new BodyTooLargeException(maxBytes);
            }
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            out.writeBytes(bytes);
            return out;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** A request whose body is {@code body}, wrapped afresh on every subscription, with a matching length. */
    public static ServerHttpRequest replay(ServerHttpRequest request, byte[] body) {
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(request.getHeaders());
        headers.remove(HttpHeaders.TRANSFER_ENCODING);
        if (body.length > 0 || request.getHeaders().getContentLength() >= 0) {
            headers.setContentLength(body.length);
        }
        return new ServerHttpRequestDecorator(request) {
            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }

            @Override
            public Flux<DataBuffer> getBody() {
                return body.length == 0 ? Flux.empty()
                        : Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
            }
        };
    }
}
