package dev.geminigateway.health;

import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.geminigateway.web.Surface;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;

/**
 * Guards a streamed (SSE) success after its 200 has gone out, when retrying is no longer possible: if the upstream
 * breaks off, or sends Gemini's raw JSON error tail instead of another event (ARCHITECTURE.md §8.4), the client gets
 * one explicit error event in the stream's own format and the stream ends; never a clean end that looks complete,
 * never a restart. Non-streaming responses pass untouched.
 */
public class StreamGuard extends ServerHttpResponseDecorator {

    private static final Log log = LogFactory.getLog(StreamGuard.class);

    static final String BROKE_OFF = "The upstream stream broke off before it finished";
    static final String SHUTTING_DOWN = "The gateway is shutting down; retry the request";

    private final Surface surface;
    private final Runnable onFailure;
    private final OpenStreams streams;

    public StreamGuard(ServerHttpResponse delegate, Surface surface, Runnable onFailure) {
        this(delegate, surface, onFailure, null);
    }

    /** With {@code streams}, an open stream is counted, and ended with an error event when shutdown's grace ends. */
    public StreamGuard(ServerHttpResponse delegate, Surface surface, Runnable onFailure, OpenStreams streams) {
        super(delegate);
        this.surface = surface;
        this.onFailure = onFailure;
        this.streams = streams;
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        if (!isEventStream()) {
            return super.writeAndFlushWith(body);
        }
        TailDetector tail = new TailDetector();
        Flux<Flux<DataBuffer>> guarded = Flux.from(body)
                .concatMap(inner -> Flux.from(inner).collectList())
                .concatMap(buffers -> {
                    Flux<DataBuffer> out = Flux.empty();
                    for (DataBuffer buffer : buffers) {
                        DataBuffer passed = tail.inspect(buffer);
                        if (passed != null) {
                            out = out.concatWithValues(passed);
                        }
                    }
                    return Flux.just(out);
                })
                .concatWith(Flux.defer(() -> tail.errorTail() == null ? Flux.empty()
                        : Flux.just(Flux.just(errorEvent(tail.errorTail())))))
                .onErrorResume(error -> {
                    log.info("Upstream stream broke off after its 200: " + error.getClass().getSimpleName());
                    onFailure.run();
                    return Flux.just(Flux.just(errorEvent(null)));
                });
        return super.writeAndFlushWith(streams == null ? guarded : endedAtShutdown(guarded));
    }

    /** Counted while open; at the end of shutdown's grace, the upstream is cancelled and the error event sent. */
    private Flux<Flux<DataBuffer>> endedAtShutdown(Flux<Flux<DataBuffer>> guarded) {
        return Flux.defer(() -> {
            boolean[] cut = new boolean[1];
            streams.opened();
            return guarded.takeUntilOther(streams.closing().doOnSuccess(ignored -> cut[0] = true).then(Mono.just(true)))
                    .concatWith(Flux.defer(() -> cut[0] ? Flux.just(Flux.just(shutdownEvent())) : Flux.empty()))
                    .doFinally(signal -> streams.closed());
        });
    }

    private DataBuffer shutdownEvent() {
        String json = surface == Surface.OPENAI
                ? "{\"error\":{\"message\":\"" + SHUTTING_DOWN + "\",\"type\":\"server_error\","
                        + "\"code\":\"server_shutting_down\",\"param\":null}}"
                : "{\"error\":{\"code\":503,\"message\":\"" + SHUTTING_DOWN + "\",\"status\":\"UNAVAILABLE\"}}";
        return frame(json);
    }

    private boolean isEventStream() {
        MediaType type = getHeaders().getContentType();
        return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)
                && getStatusCode() != null && getStatusCode().is2xxSuccessful();
    }

    private DataBuffer errorEvent(String upstreamErrorJson) {
        if (upstreamErrorJson != null) {
            onFailure.run();
        }
        String json = upstreamErrorJson != null ? upstreamErrorJson
                : surface == Surface.OPENAI
                        ? "{\"error\":{\"message\":\"" + BROKE_OFF + "\","
                                + "\"type\":\"upstream_error\",\"code\":\"stream_interrupted\",\"param\":null}}"
                        : "{\"error\":{\"code\":502,\"message\":\"" + BROKE_OFF + "\","
                                + "\"status\":\"UNAVAILABLE\"}}";
        return frame(json);
    }

    private DataBuffer frame(String json) {
        String frame = surface == Surface.OPENAI ? "data: " + json + "\n\n" : "data: " + json + "\r\n\r\n";
        return bufferFactory().wrap(frame.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Tells SSE events from a raw JSON error tail: text that starts with '{' where an event should start. The tail
     * is held back and re-sent, on one line, as a {@code data:} event when the stream ends.
     */
    static final class TailDetector {

        private boolean atEventStart = true;
        private StringBuilder tail;

        DataBuffer inspect(DataBuffer buffer) {
            if (tail == null) {
                String text = buffer.toString(buffer.readPosition(), buffer.readableByteCount(), StandardCharsets.UTF_8);
                String stripped = text.stripLeading();
                if (!(atEventStart && stripped.startsWith("{"))) {
                    atEventStart = text.endsWith("\n\n") || text.endsWith("\r\n\r\n") || (atEventStart && text.isBlank());
                    return buffer;
                }
                tail = new StringBuilder();
            }
            tail.append(buffer.toString(buffer.readPosition(), buffer.readableByteCount(), StandardCharsets.UTF_8));
            DataBufferUtils.release(buffer);
            return null;
        }

        String errorTail() {
            if (tail == null) {
                return null;
            }
            String oneLine = tail.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
            return oneLine.isEmpty() ? null : oneLine;
        }
    }
}
