package dev.geminigateway.egress;

import java.util.List;

import io.netty.channel.ChannelOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import dev.geminigateway.web.GeminiExchangeAttributes;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Cloud Gateway's routing filter, sending each request through the egress proxy of the key group KeyRotation
 * chose for it ({@link GeminiExchangeAttributes#KEY_GROUP}); requests of a group without a proxy, and requests of
 * routes without KeyRotation, go as before. A failure to reach the proxy surfaces as {@link EgressProxyException}.
 */
class GroupEgressRoutingFilter extends NettyRoutingFilter {

    private static final Log log = LogFactory.getLog(GroupEgressRoutingFilter.class);

    private final EgressClients clients;

    GroupEgressRoutingFilter(HttpClient httpClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties, EgressClients clients) {
        super(httpClient, headersFilters, properties);
        this.clients = clients;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String group = exchange.getAttribute(GeminiExchangeAttributes.KEY_GROUP);
        return clients.proxyOf(group)
                .map(proxy -> super.filter(exchange, chain).onErrorMap(EgressProxyException::isConnectFailure, error -> {
                    EgressProxyException failure = new EgressProxyException(group, proxy, error);
                    log.warn(failure.getMessage());
                    return failure;
                }))
                .orElseGet(() -> super.filter(exchange, chain));
    }

    @Override
    protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
        String group = exchange.getAttribute(GeminiExchangeAttributes.KEY_GROUP);
        if (clients.proxyOf(group).isEmpty()) {
            return super.getHttpClient(route, exchange);
        }
        HttpClient proxied = clients.forGroup(group);
        Object routeTimeout = route.getMetadata().get(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR);
        return routeTimeout == null ? proxied
                : proxied.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Integer.valueOf(routeTimeout.toString()));
    }
}
