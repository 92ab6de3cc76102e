package dev.geminigateway.egress;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;

/**
 * Where a key group's calls outside a request go (the key prober's): the same upstream, egress proxy and timeouts as
 * the group's requests, known from start-up. The upstream is, in order: the configured probe URL, the route that
 * last carried a request of the group, the first configured route whose {@code KeyRotation} names the group,
 * Google's API.
 */
public class GroupUpstreams {

    static final URI GOOGLE = URI.create("https://generativelanguage.googleapis.com");

    private final EgressClients clients;
    private final Duration responseTimeout;
    private final URI configured;
    private final Map<String, URI> fromRoutes;
    private final Map<String, URI> lastUsed = new ConcurrentHashMap<>();

    /**
     * @param routes the configured routes (their {@code KeyRotation} filters name the groups they use)
     * @param configuredBase {@code gemini.gateway.probe.base-url}, or null
     * @param responseTimeout the gateway's upstream response timeout
     */
    public GroupUpstreams(EgressClients clients, Iterable<RouteDefinition> routes, String configuredBase,
            Duration responseTimeout) {
        this.clients = clients;
        this.responseTimeout = responseTimeout;
        this.configured = configuredBase == null || configuredBase.isBlank() ? null : URI.create(configuredBase.strip());
        this.fromRoutes = basesByGroup(routes);
    }

    /** The base URL (scheme and authority) of the group's upstream. */
    public URI baseFor(String group) {
        if (configured != null) {
            return configured;
        }
        URI used = lastUsed.get(group);
        return used != null ? used : fromRoutes.getOrDefault(group, GOOGLE);
    }

    /** The HTTP client of the group's upstream calls, with the requests' response timeout. */
    public HttpClient clientFor(String group) {
        return clients.forGroup(group).responseTimeout(responseTimeout);
    }

    /** A route carried a request of this group to this base: later calls go there too. */
    public void remember(String group, URI base) {
        // one entry per configured group: the registry rejects unknown groups before any request gets here
        lastUsed.put(group, base);
    }

    private static Map<String, URI> basesByGroup(Iterable<RouteDefinition> routes) {
        Map<String, URI> bases = new HashMap<>();
        for (RouteDefinition route : routes) {
            URI uri = route.getUri();
            String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                continue;
            }
            for (FilterDefinition filter : route.getFilters()) {
                if ("KeyRotation".equals(filter.getName())) {
                    for (Map.Entry<String, String> arg : filter.getArgs().entrySet()) {
                        if (!arg.getKey().startsWith("_genkey_") && !arg.getKey().startsWith("groups")) {
                            continue;
                        }
                        for (String group : arg.getValue().split(",")) {
                            if (!group.isBlank()) {
                                bases.putIfAbsent(group.strip(), URI.create(scheme + "://" + uri.getRawAuthority()));
                            }
                        }
                    }
                }
            }
        }
        return Map.copyOf(bases);
    }
}
