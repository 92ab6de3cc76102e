package dev.geminigateway.health;

import java.nio.ByteBuffer;
import java.util.Arrays;
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
        Copy copy = new Copy();
        Flux<DataBuffer> tapped = Flux.<DataBuffer>from(body).doOnNext(copy::add)
                .doOnComplete(() -> report(UsageExtractor.fromJson(copy.bytes, copy.size)));
        return super.writeWith(tapped);
    }

    /** The answer's bytes so far, copied once from each buffer (the buffers themselves go on to the client). */
    private static final class Copy {

        private byte[] bytes = new byte[1024];
        private int size;

        void add(DataBuffer buffer) {
            int length = buffer.readableByteCount();
            if (size + length > MAX_JSON_BYTES) {
                return;
            }
            if (size + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(MAX_JSON_BYTES, Math.max(size + length, 2 * bytes.length)));
            }
            buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(bytes), size, length);
            size += length;
        }
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
