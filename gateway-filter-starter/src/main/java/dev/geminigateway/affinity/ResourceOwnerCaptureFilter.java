package dev.geminigateway.affinity;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;

import dev.geminigateway.attempt.AttemptObserver;
import dev.geminigateway.filter.KeyHealthFeedbackGatewayFilterFactory;
import dev.geminigateway.outcome.OutcomeKind;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Learns who owns what from the answers that create resources: a file upload (multipart, or a resumable upload's
 * start and finalize), a cached content's creation or update; and forgets on a successful delete. The owner is the
 * project of the key whose attempt succeeded. Other requests pass untouched, their bodies never looked at.
 * <p>
 * Ordered before {@code KeyHealthFeedback} ({@link KeyHealthFeedbackGatewayFilterFactory#ORDER}) and so before
 * {@code NettyWriteResponseFilter}, which writes to the response of the exchange it was given: the decorator must be
 * in place by then.
 */
public final class ResourceOwnerCaptureFilter implements GlobalFilter, Ordered {

    public static final int ORDER = KeyHealthFeedbackGatewayFilterFactory.ORDER - 1;

    /** What a request does to a resource, as far as ownership goes. */
    enum Action {
        UPLOAD, CREATE_OR_UPDATE_CACHE, DELETE, NONE
    }

    private final ResourceOwners owners;
    private final Clock clock;

    public ResourceOwnerCaptureFilter(ResourceOwners owners, Clock clock) {
        this.owners = owners;
        this.clock = clock;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        Action action = actionOf(request);
        if (action == Action.NONE) {
            return chain.filter(exchange);
        }
        AtomicReference<String> servedBy = new AtomicReference<>();
        AttemptObserver.register(exchange, (ex, attempt) -> {
            if (attempt.outcome().kind() == OutcomeKind.SUCCESS) {
                servedBy.set(attempt.key().project());
            }
        });
        OwnerCapturingResponse response = new OwnerCapturingResponse(exchange.getResponse(), action,
                ResourceNames.inRequestLine(request), servedBy::get, gatewayOrigin(request), owners, clock);
        // The answer is read as it passes: ask for it uncompressed (it is a few hundred bytes).
        ServerHttpRequest identity = request.mutate().headers(h -> h.remove(HttpHeaders.ACCEPT_ENCODING)).build();
        return chain.filter(exchange.mutate().request(identity).response(response).build());
    }

    static Action actionOf(ServerHttpRequest request) {
        HttpMethod method = request.getMethod();
        String path = request.getPath().value();
        if (HttpMethod.POST.equals(method) && ResourceNames.isUpload(path)) {
            return Action.UPLOAD;
        }
        if ((HttpMethod.POST.equals(method) && ResourceNames.isCacheCollection(path))
                || (HttpMethod.PATCH.equals(method) && named(request, ResourceNames.CACHES))) {
            return Action.CREATE_OR_UPDATE_CACHE;
        }
        if (HttpMethod.DELETE.equals(method)
                && (named(request, ResourceNames.FILES) || named(request, ResourceNames.CACHES))) {
            return Action.DELETE;
        }
        return Action.NONE;
    }

    private static boolean named(ServerHttpRequest request, String kind) {
        String name = ResourceNames.inRequestLine(request);
        return name != null && name.startsWith(kind);
    }

    /** Where the client reached the gateway: a resumable upload must continue there. */
    private static String gatewayOrigin(ServerHttpRequest request) {
        return request.getURI().getScheme() + "://" + request.getURI().getRawAuthority();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
