package dev.geminigateway.simulator.http;

import java.time.Duration;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/** Writes a {@link Reply} to the wire, after an optional injected latency. */
final class ReplyWriter {

    Mono<Void> write(HttpServerResponse response, Reply reply, Duration latency) {
        Mono<Void> write = Mono.defer(() -> doWrite(response, reply));
        return latency.isZero() ? write : Mono.delay(latency).then(write);
    }

    private Mono<Void> doWrite(HttpServerResponse response, Reply reply) {
        if (reply instanceof Reply.Headed headed) {
            headed.headers().forEach(response::header);
            return doWrite(response, headed.reply());
        }
        if (reply instanceof Reply.Full full) {
            return response.status(HttpResponseStatus.valueOf(full.status()))
                    .header(HttpHeaderNames.CONTENT_TYPE, full.contentType())
                    .sendByteArray(Mono.just(full.body()))
                    .then();
        }
        if (reply instanceof Reply.Stream stream) {
            HttpServerResponse r = response.status(HttpResponseStatus.OK)
                    .header(HttpHeaderNames.CONTENT_TYPE, stream.contentType())
                    .header("Content-Disposition", "attachment")
                    .header(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            if (stream.closeAfter()) {
                r.keepAlive(false);
            }
            // flush every frame: a stream must reach the client event by event
            return r.send(stream.frames().map(Unpooled::wrappedBuffer), buffer -> true).then();
        }
        // connection reset: RST instead of FIN (SO_LINGER 0), and no response at all
        return Mono.create(sink -> response.withConnection(connection -> {
            connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            connection.channel().close().addListener(closed -> sink.success());
        }));
    }
}
