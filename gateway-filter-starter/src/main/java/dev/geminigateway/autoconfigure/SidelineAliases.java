package dev.geminigateway.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the former names of a key's sideline, {@code gemini.gateway.bench.failure-threshold} and
 * {@code .duration}, working for one release: each one set (in any source, environment variables included) and
 * not given under its new name {@code gemini.gateway.sideline.*} is copied there. The copies sit last, so the new
 * name wins wherever it is set.
 */
class SidelineAliases implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE = "geminiGatewaySidelineAliases";
    private static final String OLD = "gemini.gateway.bench.";
    private static final String NEW = "gemini.gateway.sideline.";
    private static final String[] NAMES = { "failure-threshold", "duration" };

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> copies = new HashMap<>();
        for (String name : NAMES) {
            String old = environment.getProperty(OLD + name);
            if (old != null && !environment.containsProperty(NEW + name)) {
                copies.put(NEW + name, old);
            }
        }
        if (!copies.isEmpty() && !environment.getPropertySources().contains(SOURCE)) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, copies));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
