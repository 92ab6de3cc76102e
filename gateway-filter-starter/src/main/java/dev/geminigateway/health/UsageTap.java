package dev.geminigateway.health;

import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.function.Consumer;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.token.SseUsageScanner;
import dev.geminigateway.token.UsageExtractor;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;

/**
 * Reads the usage of a successful answer as it passes to the client, without holding back or copying a stream:
 * SSE chunks go through a {@link SseUsageScanner}; a JSON body is copied (up to {@link #MAX_JSON_BYTES}) and parsed
 * when it ends. Errors and non-2xx answers are not read.
 */
public class UsageTap extends ServerHttpResponseDecorator {

    /** A generateContent answer larger than this (e.g. with inline images) is not parsed for usage. */
    static final int MAX_JSON_BYTES = 1024 * 1024;

    private final Consumer<Usage> onUsage;

    public UsageTap(ServerHttpResponse delegate, Consumer<Usage> onUsage) {
        super(delegate);
        this.onUsage = onUsage;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        if (!isSuccess() || isEventStream()) {
            return super.writeWith(body);
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        Flux<DataBuffer> tapped = Flux.<DataBuffer>from(body).doOnNext(buffer -> {
            int size = buffer.readableByteCount();
            if (copy.size() + size <= MAX_JSON_BYTES) {
                byte[] bytes = new byte[size];
                buffer.toByteBuffer(buffer.readPosition(), java.nio.ByteBuffer.wrap(bytes), 0, size);
                copy.writeBytes(bytes);
            }
        }).doOnComplete(() -> report(UsageExtractor.fromJson(copy.toByteArray())));
        return super.writeWith(tapped);
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        if (!isSuccess() || !isEventStream()) {
            return super.writeAndFlushWith(body);
        }
        SseUsageScanner scanner = new SseUsageScanner();
        Flux<Flux<DataBuffer>> tapped = Flux.from(body)
                .map(inner -> Flux.from(inner).<DataBuffer>map(buffer -> {
                    scanner.feed(buffer);
                    return buffer;
                }))
                .doOnComplete(() -> report(scanner.result()));
        return super.writeAndFlushWith(tapped);
    }

    private void report(Optional<Usage> usage) {
        usage.ifPresent(onUsage);
    }

    private boolean isSuccess() {
        return getStatusCode() != null && getStatusCode().is2xxSuccessful();
    }

    private boolean isEventStream() {
        MediaType type = getHeaders().getContentType();
        return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
    }
}
