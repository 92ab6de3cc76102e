package dev.geminigateway.affinity;

import java.util.Set;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.geminigateway.filter.KeyRotationGatewayFilterFactory;
import dev.geminigateway.selection.ProjectPin;
import dev.geminigateway.web.BodyTooLargeException;
import dev.geminigateway.web.GatewayErrors;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.RequestBodyCache;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

/**
 * Binds a request that names a file, cached content or resumable upload to the project that owns it
 * ({@link GeminiExchangeAttributes#REQUIRED_PROJECT}), so KeyRotation picks only that project's keys; a resource
 * whose owner is unknown binds the request to a single attempt. Runs just before KeyRotation, after client
 * authentication, rate limits and token counting, and reads the body (through the shared cache) only for native
 * model calls and cached-content creation.
 */
public final class ResourceAffinityFilter implements GlobalFilter, Ordered {

    public static final int ORDER = KeyRotationGatewayFilterFactory.ORDER - 1;

    private final ResourceOwners owners;
    private final long maxBodyBytes;

    public ResourceAffinityFilter(ResourceOwners owners, long maxBodyBytes) {
        this.owners = owners;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String inRequestLine = ResourceNames.inRequestLine(exchange.getRequest());
        if (inRequestLine != null) {
            return pin(exchange, chain, Set.of(inRequestLine));
        }
        if (!ResourceNames.mayNameInBody(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        return RequestBodyCache.read(exchange, maxBodyBytes)
                .flatMap(body -> {
                    Set<String> names = ResourceNames.inBody(body);
                    ServerWebExchange replayed = exchange.mutate()
                            .request(RequestBodyCache.replay(exchange.getRequest(), body)).build();
                    return names.isEmpty() ? chain.filter(replayed) : pin(replayed, chain, names);
                })
                .onErrorResume(BodyTooLargeException.class, e -> GatewayErrors.write(exchange,
                        HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage(), "invalid_request_error"));
    }

    /** Bound to the first named resource with a known owner; to one attempt when none has one. */
    private Mono<Void> pin(ServerWebExchange exchange, GatewayFilterChain chain, Set<String> names) {
        return Flux.fromIterable(names)
                .concatMap(owners::owner)
                .next()
                .map(ProjectPin::to)
                .defaultIfEmpty(ProjectPin.UNKNOWN_OWNER)
                .flatMap(pin -> {
                    exchange.getAttributes().put(GeminiExchangeAttributes.REQUIRED_PROJECT, pin);
                    return chain.filter(exchange);
                });
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
