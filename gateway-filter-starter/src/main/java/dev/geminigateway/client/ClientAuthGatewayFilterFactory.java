package dev.geminigateway.client;

import java.time.Duration;
import java.util.Optional;

import dev.geminigateway.web.GatewayErrors;
import dev.geminigateway.web.GeminiExchangeAttributes;
import dev.geminigateway.web.Surface;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * {@code ClientAuth}: lets a request through only with a client token the operator issued (never a Gemini key),
 * presented where the caller's SDK puts its API key. The credential is removed before the request goes on, and the
 * client's name is kept in {@link GeminiExchangeAttributes#CLIENT_ID} for rate limits and logs.
 * <p>
 * A client address that sent too many wrong tokens is answered 429 with {@code Retry-After} without its token being
 * looked at. Only wrong tokens count toward the lockout: a request with none is a misconfigured client, not a guess.
 * With client authentication disabled the filter still strips credentials and marks the client
 * {@value #ANONYMOUS}.
 */
public class ClientAuthGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    /** The client id of every request when client authentication is disabled. */
    public static final String ANONYMOUS = "anonymous";

    static final String MISSING_MESSAGE = "Missing client token. Send the token issued by the gateway operator as "
            + "'Authorization: Bearer <token>', 'x-goog-api-key: <token>' or '?key=<token>'.";
    static final String INVALID_MESSAGE = "Invalid client token. Use the token issued by the gateway operator, "
            + "not a Gemini API key.";

    private final ClientTokens tokens;
    private final AuthFailureLockout lockout;
    private final ClientAddressResolver addresses;
    private final boolean enforced;
    private final ClientBudgets budgets;

    /**
     * @param enforced false when {@code gemini.gateway.client-auth.enabled=false}: no token is required
     */
    public ClientAuthGatewayFilterFactory(ClientTokens tokens, AuthFailureLockout lockout,
            ClientAddressResolver addresses, boolean enforced) {
        this(tokens, lockout, addresses, enforced, null);
    }

    /**
     * @param budgets per-token budgets, checked once the token is known; null for none
     */
    public ClientAuthGatewayFilterFactory(ClientTokens tokens, AuthFailureLockout lockout,
            ClientAddressResolver addresses, boolean enforced, ClientBudgets budgets) {
        super(Object.class);
        this.budgets = budgets;
        this.tokens = tokens;
        this.lockout = lockout;
        this.addresses = addresses;
        this.enforced = enforced;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return this::filter;
    }

    Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        // decide the surface while the credential still shows it: x-goog-api-key and key= mean native
        if (exchange.getAttribute(GeminiExchangeAttributes.SURFACE) == null) {
            exchange.getAttributes().put(GeminiExchangeAttributes.SURFACE, Surface.of(exchange.getRequest()));
        }
        if (!enforced) {
            return forward(exchange, chain, ANONYMOUS);
        }
        String address = addresses.resolve(exchange);
        Optional<Duration> blocked = lockout.blockedFor(address);
        if (blocked.isPresent()) {
            long seconds = retryAfterSeconds(blocked.get());
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            return GatewayErrors.write(exchange, HttpStatus.TOO_MANY_REQUESTS,
                    "Too many invalid client tokens from this address. Retry in " + seconds + " s.", "requests");
        }
        Optional<ClientCredential> credential = ClientCredential.find(exchange.getRequest());
        if (credential.isEmpty()) {
            return unauthorized(exchange, MISSING_MESSAGE);
        }
        Optional<String> client = tokens.authenticate(credential.get().value());
        if (client.isEmpty()) {
            lockout.recordFailure(address);
            return unauthorized(exchange, INVALID_MESSAGE);
        }
        if (budgets == null) {
            return forward(exchange, chain, client.get());
        }
        if (!budgets.hasBudget(client.get())) {
            // the usual case: nothing to wait for, only the request to meter
            budgets.meterRequest(client.get());
            return forward(exchange, chain, client.get());
        }
        return budgets.admit(client.get()).map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(exhausted -> exhausted.isPresent() ? overBudget(exchange, exhausted.get())
                        : forward(exchange, chain, client.get()));
    }

    /** 429 naming the client's own used-up budget and when it renews, in the caller's surface's format. */
    private static Mono<Void> overBudget(ServerWebExchange exchange, ClientBudgets.Exhausted exhausted) {
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER,
                Long.toString(retryAfterSeconds(exhausted.retryAfter())));
        return GatewayErrors.write(exchange, HttpStatus.TOO_MANY_REQUESTS, exhausted.message(), "insufficient_quota");
    }

    private static Mono<Void> forward(ServerWebExchange exchange, GatewayFilterChain chain, String clientId) {
        ServerWebExchange stripped = exchange.mutate().request(ClientCredential.strip(exchange.getRequest())).build();
        stripped.getAttributes().put(GeminiExchangeAttributes.CLIENT_ID, clientId);
        return chain.filter(stripped);
    }

    private static Mono<Void> unauthorized(ServerWebExchange exchange, String message) {
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        return GatewayErrors.write(exchange, HttpStatus.UNAUTHORIZED, message, "invalid_request_error");
    }

    static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
