package dev.geminigateway.egress;

import java.util.List;

import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;

/**
 * Puts {@link GroupEgressRoutingFilter} in the place of Spring Cloud Gateway's {@code NettyRoutingFilter}, built with
 * the same client, header filters and properties. The gateway declares its routing filter without a
 * missing-bean condition, and bean overriding is off in Spring Boot: replacing the instance is the way to keep one
 * routing filter. A subclass somebody else installed is left alone.
 */
public class EgressRoutingFilterInstaller implements BeanPostProcessor {

    private final ObjectProvider<HttpClient> httpClient;
    private final ObjectProvider<List<HttpHeadersFilter>> headersFilters;
    private final ObjectProvider<HttpClientProperties> properties;
    private final ObjectProvider<EgressClients> clients;

    public EgressRoutingFilterInstaller(ObjectProvider<HttpClient> httpClient,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters, ObjectProvider<HttpClientProperties> properties,
            ObjectProvider<EgressClients> clients) {
        this.httpClient = httpClient;
        this.headersFilters = headersFilters;
        this.properties = properties;
        this.clients = clients;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean.getClass() != NettyRoutingFilter.class) {
            return bean;
        }
        return new GroupEgressRoutingFilter(httpClient.getObject(), headersFilters, properties.getObject(),
                clients.getObject());
    }
}
