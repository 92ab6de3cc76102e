package dev.geminigateway.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Errors the gateway answers itself, in the shape the caller's SDK reads (ARCHITECTURE.md §8.2):
 * OpenAI {@code {"error":{"message","type","code","param"}}} or Google {@code {"error":{"code","message","status"}}}.
 * Messages never carry a key: callers pass fixed texts or fingerprints only.
 */
public final class GatewayErrors {

    private static final JsonMapper JSON = GatewayJson.MAPPER;

    private GatewayErrors() {
    }

    /** Writes the error for the surface recorded on the exchange (or detected from the request). */
    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String message, String openAiType) {
        Surface surface = surfaceOf(exchange);
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = JSON.writeValueAsBytes(body(surface, status, message, openAiType));
        response.getHeaders().setContentLength(body.length);
        if (!UnreadBody.pending(exchange)) {
            return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
        }
        return UnreadBody.discard(exchange).flatMap(keepAlive -> {
            if (!keepAlive) {
                response.getHeaders().setConnection("close");
            }
            return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
        });
    }

    public static Surface surfaceOf(ServerWebExchange exchange) {
        Surface surface = exchange.getAttribute(GeminiExchangeAttributes.SURFACE);
        return surface != null ? surface : Surface.of(exchange.getRequest());
    }

    static Map<String, Object> body(Surface surface, HttpStatus status, String message, String openAiType) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (surface == Surface.OPENAI) {
            error.put("message", message);
            error.put("type", openAiType);
            error.put("code", openAiCode(status));
            error.put("param", null);
        }
        else {
            error.put("code", status.value());
            error.put("message", message);
            error.put("status", googleStatus(status));
        }
        return Map.of("error", error);
    }

    /** The google.rpc.Code name Gemini would use for this HTTP status. */
    public static String googleStatus(HttpStatus status) {
        return switch (status.value()) {
            case 400, 413, 431 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 405 -> "UNIMPLEMENTED";
            case 408 -> "DEADLINE_EXCEEDED";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status.is4xxClientError() ? "FAILED_PRECONDITION" : "INTERNAL";
        };
    }

    static String openAiCode(HttpStatus status) {
        return switch (status.value()) {
            case 401 -> "invalid_api_key";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_exceeded";
            case 503 -> "service_unavailable";
            default -> status.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
