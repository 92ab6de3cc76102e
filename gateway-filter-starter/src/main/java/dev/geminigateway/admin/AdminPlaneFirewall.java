package dev.geminigateway.admin;

import reactor.core.publisher.Mono;

import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Security's strict firewall, with its per-read header checks kept for the admin plane. Every request still
 * gets the strict checks that run up front (the method, path tricks such as encoded slashes, {@code ..} or NUL, the
 * host). Only requests under the management base path, or any request when a security chain other than the admin
 * chain exists, also get the wrapped exchange that tests each header and parameter with a regular expression
 * whenever it is read: Spring Cloud Gateway's routing filter reads every header of every proxied request, and no
 * security chain looks at those requests.
 */
public final class AdminPlaneFirewall implements ServerWebExchangeFirewall {

    private final StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();
    /** Where the per-read checks stay; null: everywhere. */
    private final String confinedTo;

    /**
     * @param basePath the actuator's base path on the application's port; null when endpoints may be anywhere (a
     *     root base path, a management port of their own): every request is then checked in full
     * @param adminChainOnly whether the admin chain is the application's only security chain; if not, every request
     *     is checked in full
     */
    public AdminPlaneFirewall(String basePath, boolean adminChainOnly) {
        this.confinedTo = adminChainOnly ? basePath : null;
    }

    @Override
    public Mono<ServerWebExchange> getFirewalledExchange(ServerWebExchange exchange) {
        Mono<ServerWebExchange> checked = strict.getFirewalledExchange(exchange);
        if (confinedTo == null || AdminSecurity.isUnderBasePath(confinedTo,
                exchange.getRequest().getPath().pathWithinApplication().value())) {
            return checked;
        }
        return checked.map(wrapped -> exchange);
    }
}
