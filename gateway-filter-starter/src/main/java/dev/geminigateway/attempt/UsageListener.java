package dev.geminigateway.attempt;

import org.springframework.web.server.ServerWebExchange;

/**
 * Told the usage Gemini reported for a successful answer, once it has passed to the client (the last SSE event
 * that carries it, for streams). Token metrics and quota reconciliation listen; any bean of this type is called.
 */
@FunctionalInterface
public interface UsageListener {

    void onUsage(ServerWebExchange exchange, Usage usage);
}
