package dev.geminigateway.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.geminigateway.web.GatewayErrors;
import dev.geminigateway.web.GeminiExchangeAttributes;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * {@code ClientRateLimit}: the {@link ClientRateLimiter} as a filter whose 429 carries a JSON error in the shape of
 * the caller's SDK, with {@code Retry-After} (Spring Cloud Gateway's {@code RequestRateLimiter} answers with an empty
 * body). Limits per route, e.g. {@code ClientRateLimit=60,1000,token,50000} (requests per minute, per day, key,
 * estimated input tokens per minute); unset limits fall back to {@code gemini.gateway.client-auth.rate-limit.*}.
 * Keyed by client address ({@code ip}, default) or by client name ({@code token}; needs {@code ClientAuth} earlier
 * in the route, else the address is used).
 * <p>
 * Keyed by token, a client's own limits ({@code client-auth.tokens[].requests-per-minute}, ...) win over the
 * route's, which win over the defaults. A route that sets no limit counts each client once across all such routes
 * (one budget per token); a route with limits of its own counts per route. Tokens per minute use TokenLimit's
 * estimate, so this filter must come after {@code TokenLimit} for them to apply.
 */
public class ClientRateLimitGatewayFilterFactory extends AbstractGatewayFilterFactory<ClientRateLimitGatewayFilterFactory.Config> {

    /** What a client is counted by. */
    public enum KeyBy {
        IP, TOKEN
    }

    private static final Logger log = LoggerFactory.getLogger(ClientRateLimitGatewayFilterFactory.class);

    private final ClientRateLimiter limiter;
    private final ClientAddressResolver addresses;
    private final ClientTokens tokens;
    private final ClientUsageMetrics metrics;
    private final AtomicBoolean warnedNoEstimate = new AtomicBoolean();

    public ClientRateLimitGatewayFilterFactory(ClientRateLimiter limiter, ClientAddressResolver addresses) {
        this(limiter, addresses, ClientTokens.of(List.of()), null);
    }

    /**
     * @param tokens the issued tokens, for each client's own limits
     * @param registry where requests per client are counted; null for none
     */
    public ClientRateLimitGatewayFilterFactory(ClientRateLimiter limiter, ClientAddressResolver addresses,
            ClientTokens tokens, MeterRegistry registry) {
        super(Config.class);
        this.limiter = limiter;
        this.addresses = addresses;
        this.tokens = tokens;
        this.metrics = new ClientUsageMetrics(registry);
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("requestsPerMinute", "requestsPerDay", "keyBy", "tokensPerMinute");
    }

    @Override
    public GatewayFilter apply(Config config) {
        if (negative(config.getRequestsPerMinute()) || negative(config.getRequestsPerDay())
                || negative(config.getTokensPerMinute())) {
            throw new IllegalArgumentException("ClientRateLimit on route " + config.getRouteId()
                    + ": limits must be 0 (none) or positive");
        }
        ClientRateLimiter.Config route = new ClientRateLimiter.Config()
                .setRequestsPerMinute(config.getRequestsPerMinute())
                .setRequestsPerDay(config.getRequestsPerDay())
                .setTokensPerMinute(config.getTokensPerMinute());
        ClientRateLimiter.Config routeOrDefaults = route.orElse(limiter.getDefaults());
        String routePrefix = "ClientRateLimit|" + config.getRouteId() + "|" + config.getKeyBy() + "|";
        return (exchange, chain) -> {
            String client = config.getKeyBy() == KeyBy.TOKEN ? exchange.getAttribute(GeminiExchangeAttributes.CLIENT_ID) : null;
            ClientRateLimiter.Config limits = client == null ? routeOrDefaults : tokens.limitsOf(client).orElse(routeOrDefaults);
            if (!limits.hasLimit()) {
                metrics.record(client, "allowed");
                return chain.filter(exchange);
            }
            String bucketKey = client == null ? routePrefix + addresses.resolve(exchange)
                    : route.setsAny() ? routePrefix + client : "client|" + client;
            return limiter.consume(bucketKey, limits).flatMap(response -> {
                response.getHeaders().forEach(exchange.getResponse().getHeaders()::set);
                if (!response.isAllowed()) {
                    return refuse(exchange, client, requestsMessage(limits));
                }
                ClientRateLimiter.Response tokenResponse = consumeTokens(exchange, bucketKey, limits);
                if (!tokenResponse.isAllowed()) {
                    tokenResponse.getHeaders().forEach(exchange.getResponse().getHeaders()::set);
                    return refuse(exchange, client, "Client token rate limit exceeded (" + limits.getTokensPerMinute()
                            + " estimated input tokens per minute)." + (tokenResponse.getHeaders().isEmpty()
                            ? " This request alone is larger than that." : " Retry after the time in the Retry-After header."));
                }
                metrics.record(client, "allowed");
                return chain.filter(exchange);
            });
        };
    }

    private ClientRateLimiter.Response consumeTokens(ServerWebExchange exchange, String bucketKey,
            ClientRateLimiter.Config limits) {
        if (!ClientRateLimiter.Config.isLimit(limits.getTokensPerMinute())) {
            return new ClientRateLimiter.Response(true, Map.of());
        }
        Object estimate = exchange.getAttribute(GeminiExchangeAttributes.ESTIMATED_TOKENS);
        if (!(estimate instanceof Number tokenCount)) {
            // a POST to a model without an estimate: TokenLimit has not run before this filter
            if (HttpMethod.POST.equals(exchange.getRequest().getMethod())
                    && warnedNoEstimate.compareAndSet(false, true)) {
                log.warn("ClientRateLimit has a tokens-per-minute limit but no token estimate: put it after TokenLimit "
                        + "in the route, or the limit is not applied");
            }
            return new ClientRateLimiter.Response(true, Map.of());
        }
        return limiter.consumeTokens(bucketKey, limits.getTokensPerMinute(), tokenCount.longValue());
    }

    private Mono<Void> refuse(ServerWebExchange exchange, String client, String message) {
        metrics.record(client, "limited");
        if (client != null) {
            log.debug("Client {} refused by its rate limit", client);
        }
        return GatewayErrors.write(exchange, HttpStatus.TOO_MANY_REQUESTS, message, "requests");
    }

    private static boolean negative(Number limit) {
        return limit != null && limit.longValue() < 0;
    }

    private static String requestsMessage(ClientRateLimiter.Config limits) {
        StringBuilder message = new StringBuilder("Client rate limit exceeded (");
        boolean perMinute = ClientRateLimiter.Config.isLimit(limits.getRequestsPerMinute());
        if (perMinute) {
            message.append(limits.getRequestsPerMinute()).append(" requests per minute");
        }
        if (ClientRateLimiter.Config.isLimit(limits.getRequestsPerDay())) {
            message.append(perMinute ? ", " : "")
                    .append(limits.getRequestsPerDay()).append(" requests per day");
        }
        return message.append("). Retry after the time in the Retry-After header.").toString();
    }

    public static class Config implements HasRouteId {

        private Integer requestsPerMinute;
        private Integer requestsPerDay;
        private Long tokensPerMinute;
        private KeyBy keyBy = KeyBy.IP;
        private String routeId;

        public Integer getRequestsPerMinute() {
            return requestsPerMinute;
        }

        public Config setRequestsPerMinute(Integer requestsPerMinute) {
            this.requestsPerMinute = requestsPerMinute;
            return this;
        }

        public Integer getRequestsPerDay() {
            return requestsPerDay;
        }

        public Config setRequestsPerDay(Integer requestsPerDay) {
            this.requestsPerDay = requestsPerDay;
            return this;
        }

        public Long getTokensPerMinute() {
            return tokensPerMinute;
        }

        public Config setTokensPerMinute(Long tokensPerMinute) {
            this.tokensPerMinute = tokensPerMinute;
            return this;
        }

        public KeyBy getKeyBy() {
            return keyBy;
        }

        public Config setKeyBy(KeyBy keyBy) {
            this.keyBy = keyBy;
            return this;
        }

        @Override
        public void setRouteId(String routeId) {
            this.routeId = routeId;
        }

        @Override
        public String getRouteId() {
            return routeId;
        }
    }
}
