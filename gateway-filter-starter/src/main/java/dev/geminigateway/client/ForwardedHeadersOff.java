package dev.geminigateway.client;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Sets {@code server.forward-headers-strategy=none} unless the application sets it. On a cloud platform (Kubernetes
 * is detected from {@code KUBERNETES_SERVICE_HOST}) Spring Boot would otherwise believe {@code X-Forwarded-For} from
 * any peer and rewrite the request's remote address, so a client could pick its own address, dodge the lockout and
 * get others locked out. Client addresses come only from {@link ClientAddressResolver} and its trusted proxies.
 * The property source is added last, so any other source (application.yml, environment, command line) wins.
 */
class ForwardedHeadersOff implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY = "server.forward-headers-strategy";
    static final String SOURCE = "geminiGatewayForwardedHeadersOff";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getPropertySources().contains(SOURCE)) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(PROPERTY, "none")));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
