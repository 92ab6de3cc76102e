package dev.geminigateway.client;

import java.util.List;

import dev.geminigateway.web.GatewayErrors;
import dev.geminigateway.web.GeminiExchangeAttributes;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code ClientRateLimit}: the {@link ClientRateLimiter} as a filter whose 429 carries a JSON error in the shape of
 * the caller's SDK (Spring Cloud Gateway's {@code RequestRateLimiter} answers with an empty body). Limits per route,
 * e.g. {@code ClientRateLimit=60,1000,token}; unset limits fall back to
 * {@code gemini.gateway.client-auth.rate-limit.*}. Keyed by client address ({@code ip}, default) or by token
 * fingerprint ({@code token}; needs {@code ClientAuth} earlier in the route, else the address is used).
 */
public class ClientRateLimitGatewayFilterFactory extends AbstractGatewayFilterFactory<ClientRateLimitGatewayFilterFactory.Config> {

    /** What a client is counted by. */
    public enum KeyBy {
        IP, TOKEN
    }

    private final ClientRateLimiter limiter;
    private final ClientAddressResolver addresses;

    public ClientRateLimitGatewayFilterFactory(ClientRateLimiter limiter, ClientAddressResolver addresses) {
        super(Config.class);
        this.limiter = limiter;
        this.addresses = addresses;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("requestsPerMinute", "requestsPerDay", "keyBy");
    }

    @Override
    public GatewayFilter apply(Config config) {
        if (negative(config.getRequestsPerMinute()) || negative(config.getRequestsPerDay())) {
            throw new IllegalArgumentException("ClientRateLimit on route " + config.getRouteId()
                    + ": limits must be 0 (none) or positive");
        }
        ClientRateLimiter.Config limits = new ClientRateLimiter.Config()
                .setRequestsPerMinute(config.getRequestsPerMinute())
                .setRequestsPerDay(config.getRequestsPerDay())
                .orElse(limiter.getDefaults());
        String prefix = "ClientRateLimit|" + config.getRouteId() + "|" + config.getKeyBy() + "|";
        return (exchange, chain) -> limiter.consume(prefix + clientKey(exchange, config.getKeyBy()), limits)
                .flatMap(response -> {
                    response.getHeaders().forEach(exchange.getResponse().getHeaders()::set);
                    if (response.isAllowed()) {
                        return chain.filter(exchange);
                    }
                    return GatewayErrors.write(exchange, HttpStatus.TOO_MANY_REQUESTS, message(limits), "requests");
                });
    }

    private static boolean negative(Integer limit) {
        return limit != null && limit < 0;
    }

    private String clientKey(ServerWebExchange exchange, KeyBy keyBy) {
        String client = keyBy == KeyBy.TOKEN ? exchange.getAttribute(GeminiExchangeAttributes.CLIENT_ID) : null;
        return client != null ? client : addresses.resolve(exchange);
    }

    private static String message(ClientRateLimiter.Config limits) {
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
