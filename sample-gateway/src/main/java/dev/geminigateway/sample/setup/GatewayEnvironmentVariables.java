package dev.geminigateway.sample.setup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The short environment variables a container user expects ({@code GEMINI_API_KEYS}, {@code PORT}, ...), mapped to
 * the properties they stand for. A variable counts only when set and not blank, so an unset one never overrides
 * application.yml with an empty value. They rank just below the system environment: command-line arguments and
 * system properties win over them, they win over application*.yml.
 */
public class GatewayEnvironmentVariables implements EnvironmentPostProcessor, Ordered {

    public static final String PROPERTY_SOURCE_NAME = "geminiGatewayEnvironmentVariables";

    /** Variable name to property name, in the order the README lists them. */
    public static final Map<String, String> VARIABLES = variables();

    private static Map<String, String> variables() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("GEMINI_API_KEYS", "gemini.gateway.groups.default.keys");
        variables.put("GEMINI_BASE_URL", "gateway.upstream-url");
        variables.put("GEMINI_PROXY_URL", "gemini.gateway.groups.default.proxy");
        variables.put("GEMINI_TIER", "gemini.gateway.groups.default.tier");
        variables.put("GATEWAY_CLIENT_TOKENS", "gemini.gateway.client-auth.tokens");
        variables.put("GATEWAY_CLIENT_RPM", "gemini.gateway.client-auth.rate-limit.requests-per-minute");
        variables.put("GATEWAY_CLIENT_RPD", "gemini.gateway.client-auth.rate-limit.requests-per-day");
        variables.put("GATEWAY_CLIENT_TPM", "gemini.gateway.client-auth.rate-limit.tokens-per-minute");
        variables.put("GATEWAY_ADMIN_TOKEN", "gemini.gateway.admin.token");
        variables.put("REDIS_URL", "spring.data.redis.url");
        variables.put("PORT", "server.port");
        return Collections.unmodifiableMap(variables);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        MutablePropertySources sources = environment.getPropertySources();
        PropertySource<?> systemEnvironment = sources.get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        if (systemEnvironment == null) {
            return;
        }
        Map<String, Object> properties = propertiesFrom(name -> {
            Object value = systemEnvironment.getProperty(name);
            return value == null ? null : value.toString();
        });
        if (!properties.isEmpty()) {
            sources.addAfter(systemEnvironment.getName(), new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
        }
    }

    /** The properties the set variables stand for; {@code environment} gives a variable's value or null. */
    static Map<String, Object> propertiesFrom(Function<String, String> environment) {
        Map<String, Object> properties = new LinkedHashMap<>();
        VARIABLES.forEach((variable, property) -> {
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                properties.put(property, value.strip());
            }
        });
        return properties;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
