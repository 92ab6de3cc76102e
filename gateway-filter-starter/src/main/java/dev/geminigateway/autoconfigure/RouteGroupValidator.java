package dev.geminigateway.autoconfigure;

import java.util.Map;

import dev.geminigateway.key.KeyRegistry;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.support.NameUtils;

/**
 * Fails start-up when a configured route names a key group that does not exist. Routes are otherwise built
 * lazily, and a typo would only show as a failing first request.
 */
class RouteGroupValidator implements SmartInitializingSingleton {

    private final GatewayProperties gateway;
    private final KeyRegistry registry;

    RouteGroupValidator(GatewayProperties gateway, KeyRegistry registry) {
        this.gateway = gateway;
        this.registry = registry;
    }

    @Override
    public void afterSingletonsInstantiated() {
        for (RouteDefinition route : gateway.getRoutes()) {
            for (FilterDefinition filter : route.getFilters()) {
                if (!"KeyRotation".equals(filter.getName())) {
                    continue;
                }
                for (Map.Entry<String, String> arg : filter.getArgs().entrySet()) {
                    // shortcut values (generated names) and the groups argument name groups; others are options
                    if (!arg.getKey().startsWith("groups") && !arg.getKey().startsWith(NameUtils.GENERATED_NAME_PREFIX)) {
                        continue;
                    }
                    for (String name : arg.getValue().split("[,>]")) {
                        if (!name.isBlank() && registry.group(name.strip()).isEmpty()) {
                            throw new IllegalStateException("Route '" + route.getId() + "' uses KeyRotation with key group '"
                                    + name.strip() + "', which is not configured under gemini.gateway.groups (configured: "
                                    + registry.groupNames() + ")");
                        }
                    }
                }
            }
        }
    }
}
