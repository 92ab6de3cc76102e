package dev.geminigateway.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.netty.http.client.HttpClient;

import dev.geminigateway.egress.EgressClients;
import dev.geminigateway.egress.EgressProxy;
import dev.geminigateway.egress.EgressRoutingFilterInstaller;
import dev.geminigateway.egress.GroupUpstreams;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Egress per key group ({@code gemini.gateway.groups.<g>.proxy}): the clients, the routing filter that uses them,
 * and where calls outside requests (key probes) go.
 */
@Configuration(proxyBeanMethods = false)
class EgressConfiguration {

    /** Without a configured connect timeout Netty waits 30 s. */
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(10);

    @Bean
    @ConditionalOnMissingBean
    EgressClients geminiEgressClients(ObjectProvider<HttpClient> gatewayClient, GeminiGatewayProperties properties,
            ObjectProvider<HttpClientProperties> httpClientProperties) {
        Map<String, EgressProxy> proxies = new LinkedHashMap<>();
        properties.groups().forEach((group, settings) -> {
            if (settings.proxy() != null) {
                try {
                    proxies.put(group, EgressProxy.parse(settings.proxy()));
                }
                catch (IllegalArgumentException e) {
                    throw new IllegalStateException("gemini.gateway.groups." + group + ".proxy: " + e.getMessage(), e);
                }
            }
        });
        Integer connectTimeout = httpClientProperties.getIfAvailable(HttpClientProperties::new).getConnectTimeout();
        return new EgressClients(gatewayClient.getIfAvailable(HttpClient::create), proxies,
                connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : Duration.ofMillis(connectTimeout));
    }

    @Bean
    @ConditionalOnMissingBean
    GroupUpstreams geminiGroupUpstreams(EgressClients clients, ObjectProvider<GatewayProperties> gateway,
            GeminiGatewayProperties properties, ObjectProvider<HttpClientProperties> httpClientProperties) {
        Duration responseTimeout = httpClientProperties.getIfAvailable(HttpClientProperties::new).getResponseTimeout();
        GatewayProperties routes = gateway.getIfAvailable();
        return new GroupUpstreams(clients, routes == null ? List.of() : routes.getRoutes(), properties.probe().baseUrl(),
                responseTimeout == null ? DEFAULT_PROBE_TIMEOUT : responseTimeout);
    }

    @Bean
    static EgressRoutingFilterInstaller geminiEgressRoutingFilterInstaller(ObjectProvider<HttpClient> httpClient,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters, ObjectProvider<HttpClientProperties> properties,
            ObjectProvider<EgressClients> clients) {
        return new EgressRoutingFilterInstaller(httpClient, headersFilters, properties, clients);
    }
}
