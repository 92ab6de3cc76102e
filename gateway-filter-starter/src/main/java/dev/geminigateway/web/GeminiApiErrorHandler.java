package dev.geminigateway.web;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Errors raised by the framework on the API paths (no route, wrong method, a body Spring could not read, a
 * rejected path) are answered in the shape the caller's SDK reads, like the gateway's own errors, instead of
 * Boot's generic error JSON. Messages are fixed texts: nothing from the request is echoed. Other paths keep Boot's
 * handling.
 */
public class GeminiApiErrorHandler implements ErrorWebExceptionHandler, Ordered {

    /** Just before Boot's DefaultErrorWebExceptionHandler (-1). */
    public static final int ORDER = -2;

    private static final Log log = LogFactory.getLog(GeminiApiErrorHandler.class);

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted() || !isApiPath(exchange.getRequest().getPath().value())) {
            return Mono.error(error);
        }
        HttpStatus status = statusOf(error);
        if (status.is5xxServerError()) {
            log.warn("Unexpected error on " + LogSafe.of(exchange.getRequest().getMethod()) + " "
                    + LogSafe.of(exchange.getRequest().getPath().value()) + ": " + error.getClass().getName());
        }
        exchange.getResponse().getHeaders().clearContentHeaders();
        return GatewayErrors.write(exchange, status, messageFor(status), typeFor(status));
    }

    static boolean isApiPath(String path) {
        return path.startsWith("/v1/") || path.startsWith("/v1beta/") || path.startsWith("/v1alpha/")
                || path.equals("/v1") || path.equals("/v1beta") || path.equals("/v1alpha");
    }

    private static HttpStatus statusOf(Throwable error) {
        if (error instanceof BodyTooLargeException || error instanceof DataBufferLimitException) {
            return HttpStatus.PAYLOAD_TOO_LARGE;
        }
        if (error instanceof ResponseStatusException rse) {
            HttpStatus status = HttpStatus.resolve(rse.getStatusCode().value());
            return status != null ? status : HttpStatus.BAD_REQUEST;
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    private static String messageFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "The request could not be read";
            case 404 -> "No API route matches this path";
            case 405 -> "This method is not supported on this path";
            case 408 -> "The request body did not arrive in time";
            case 413 -> "The request body is too large";
            case 415 -> "This content type is not supported";
            case 504 -> "Gemini did not answer in time";
            default -> status.is5xxServerError() ? "The gateway failed to handle this request" : "The request was refused";
        };
    }

    private static String typeFor(HttpStatus status) {
        return status.is5xxServerError() ? "server_error" : "invalid_request_error";
    }
}
