package dev.geminigateway.web;

import java.time.Duration;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * How a request that got no success ends for the client: Gemini's own error passed on (no other key could do
 * better), or the gateway's refusal in the caller's surface format ({@link GatewayErrors}) with a
 * {@code Retry-After} when waiting helps.
 */
public final class ErrorAnswers {

    private final JsonMapper json;
    private final boolean rawErrors;

    /** @param rawErrors pass OpenAI-surface errors exactly as Gemini sent them (a one-element list) */
    public ErrorAnswers(JsonMapper json, boolean rawErrors) {
        this.json = json;
        this.rawErrors = rawErrors;
    }

    /** Answers with Gemini's error status and body; the upstream answer must have been discarded first. */
    public Mono<Void> passOn(ServerWebExchange exchange, int status, byte[] upstreamBody) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatusCode.valueOf(status));
        byte[] bytes = clientBody(exchange, UpstreamErrorScrubber.scrub(upstreamBody));
        HttpHeaders headers = response.getHeaders();
        headers.remove(HttpHeaders.TRANSFER_ENCODING);
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    /** The gateway's own error; {@code retryAfter} (may be null) is rounded up to whole seconds. */
    public Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String message, Duration retryAfter,
            String openAiType) {
        if (retryAfter != null) {
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds(retryAfter)));
        }
        return GatewayErrors.write(exchange, status, message, openAiType);
    }

    /** Whole seconds, rounded up, at least one: what a {@code Retry-After} or a client-facing message says. */
    public static long seconds(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        return Math.max(1, (millis + 999) / 1000);
    }

    /**
     * OpenAI SDKs read {@code error.message} from an object; Gemini's OpenAI-compatible surface sends a one-element
     * list. Unwrapped unless raw errors are asked for.
     */
    private byte[] clientBody(ServerWebExchange exchange, byte[] upstream) {
        if (upstream == null || rawErrors || GatewayErrors.surfaceOf(exchange) != Surface.OPENAI) {
            return upstream == null ? new byte[0] : upstream;
        }
        try {
            JsonNode root = json.readTree(upstream);
            return root.isArray() && root.size() == 1 ? json.writeValueAsBytes(root.get(0)) : upstream;
        }
        catch (RuntimeException e) {
            return upstream;
        }
    }
}
