package dev.geminigateway.simulator.http;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Flux;

/** What the simulator answers to one request, before it is written. */
sealed interface Reply {

    String JSON = "application/json; charset=UTF-8";
    String EVENT_STREAM = "text/event-stream";

    int status();

    /** A complete body. */
    record Full(int status, String contentType, byte[] body) implements Reply {}

    /**
     * A 200 stream of frames, each flushed as it is produced. {@code closeAfter}: the connection is closed after
     * the last frame (an error tail), as Gemini does.
     */
    record Stream(String contentType, Flux<byte[]> frames, boolean closeAfter) implements Reply {
        @Override
        public int status() {
            return 200;
        }
    }

    /** A complete body with extra response headers (the resumable upload's). */
    record Headed(Full reply, java.util.Map<String, String> headers) implements Reply {
        @Override
        public int status() {
            return reply.status();
        }
    }

    /** No response: the socket is reset. */
    record Reset() implements Reply {
        @Override
        public int status() {
            return 0;
        }
    }

    static Full json(int status, byte[] body) {
        return new Full(status, JSON, body);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
