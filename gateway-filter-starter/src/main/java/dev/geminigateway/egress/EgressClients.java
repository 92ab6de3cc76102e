package dev.geminigateway.egress;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import reactor.netty.http.client.HttpClient;

/**
 * The HTTP client each key group's upstream calls use: the gateway's own client for a group without a proxy, else
 * that client with the group's proxy added, built once at start-up per distinct proxy. Deriving them from the
 * gateway's client keeps its timeouts, pool, TLS and compression settings; reactor-netty keeps a separate connection
 * pool per proxy, so a tunnel is never reused for another group's direct call.
 */
public class EgressClients {

    private final HttpClient direct;
    private final Map<String, EgressProxy> proxies;
    private final Map<String, HttpClient> proxiedByGroup = new HashMap<>();

    /**
     * @param direct the gateway's configured HTTP client
     * @param proxies each group that has a proxy, to its proxy
     * @param handshakeTimeout how long the proxy may take to open a tunnel (the gateway's connect timeout)
     */
    public EgressClients(HttpClient direct, Map<String, EgressProxy> proxies, Duration handshakeTimeout) {
        this.direct = direct;
        this.proxies = Map.copyOf(proxies);
        Map<EgressProxy, HttpClient> byProxy = new HashMap<>();
        proxies.forEach((group, proxy) -> proxiedByGroup.put(group, byProxy.computeIfAbsent(proxy,
                p -> direct.proxy(spec -> p.configure(spec, handshakeTimeout)))));
    }

    /** The client for the group's upstream calls. */
    public HttpClient forGroup(String group) {
        HttpClient proxied = group == null ? null : proxiedByGroup.get(group);
        return proxied == null ? direct : proxied;
    }

    /** The group's proxy, if it has one. */
    public Optional<EgressProxy> proxyOf(String group) {
        return Optional.ofNullable(group == null ? null : proxies.get(group));
    }
}
