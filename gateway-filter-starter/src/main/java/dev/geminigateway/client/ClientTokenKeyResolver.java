package dev.geminigateway.client;

import dev.geminigateway.web.GeminiExchangeAttributes;

import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * Rate-limit key: the authenticated client's name, set by {@code ClientAuth} (which must come first in
 * the route). Empty without it, which {@code RequestRateLimiter} answers 403 by default ({@code deny-empty-key}).
 */
public class ClientTokenKeyResolver implements KeyResolver {

    @Override
    public Mono<String> resolve(ServerWebExchange exchange) {
        return Mono.justOrEmpty(exchange.<String>getAttribute(GeminiExchangeAttributes.CLIENT_ID));
    }
}
