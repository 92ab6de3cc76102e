package dev.geminigateway.web;

import java.io.ByteArrayOutputStream;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;

/**
 * The upstream response Spring Cloud Gateway's Netty routing filter leaves on the exchange, seen after its status
 * and headers arrived and before its body is written to the client: its error body read (capped) to classify it,
 * the whole answer thrown away so another attempt can start clean, or its connection closed after a failure.
 */
public final class UpstreamResponse {

    /** Error bodies are read to classify them; anything larger is not a Gemini error. */
    public static final int MAX_ERROR_BODY = 256 * 1024;

    private UpstreamResponse() {
    }

    /**
     * The body of a non-2xx upstream answer (empty bytes when it had none); an empty Mono for a success or when no
     * upstream connection is known, whose body stays unread so that it flows to the client as it arrives.
     */
    public static Mono<byte[]> errorBody(ServerWebExchange exchange) {
        if (!hasErrorBody(exchange)) {
            return Mono.empty();
        }
        Connection connection = exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR);
        return connection.inbound().receive()
                .reduce(new ByteArrayOutputStream(), (out, buf) -> append(out, buf, connection))
                .map(ByteArrayOutputStream::toByteArray)
                .defaultIfEmpty(new byte[0]);
    }

    /** Whether {@link #errorBody} has a body to read: an upstream answer that is not a success. */
    public static boolean hasErrorBody(ServerWebExchange exchange) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        return status != null && !status.is2xxSuccessful() && exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR) != null;
    }

    /**
     * Forgets the current upstream answer, so the next attempt starts from a clean response. An error body read to
     * the end has already returned its connection to reactor-netty's pool.
     */
    public static void discard(ServerWebExchange exchange) {
        exchange.getAttributes().remove(CLIENT_RESPONSE_CONN_ATTR);
        exchange.getAttributes().remove(CLIENT_RESPONSE_ATTR);
        ServerWebExchangeUtils.reset(exchange);
        exchange.getAttributes().remove(ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES);
    }

    /** A failed attempt may leave a half-used connection behind: it is closed, never reused. */
    public static void closeConnection(ServerWebExchange exchange) {
        Connection connection = exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR);
        exchange.getAttributes().remove(CLIENT_RESPONSE_CONN_ATTR);
        if (connection != null) {
            connection.dispose();
        }
    }

    private static ByteArrayOutputStream append(ByteArrayOutputStream out, ByteBuf buf, Connection connection) {
        if (out.size() + buf.readableBytes() > MAX_ERROR_BODY) {
            connection.dispose();
            throw new IllegalStateException("upstream error body larger than " + MAX_ERROR_BODY + " bytes");
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        out.writeBytes(bytes);
        return out;
    }
}
