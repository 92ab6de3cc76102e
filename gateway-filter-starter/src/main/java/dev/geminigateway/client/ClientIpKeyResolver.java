package dev.geminigateway.client;

import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/** Rate-limit key: the client address, read through trusted proxies only ({@link ClientAddressResolver}). */
public class ClientIpKeyResolver implements KeyResolver {

    private final ClientAddressResolver addresses;

    public ClientIpKeyResolver(ClientAddressResolver addresses) {
        this.addresses = addresses;
    }

    @Override
    public Mono<String> resolve(ServerWebExchange exchange) {
        return Mono.just(addresses.resolve(exchange));
    }
}
