package dev.geminigateway.sample.setup;

import dev.geminigateway.sample.demo.DemoUpstreamInitializer;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Stops start-up before any bean is made when the routes' key group has no key, with a message that names
 * {@code GEMINI_API_KEYS} and the demo profile ({@link MissingGeminiKeysFailureAnalyzer}). Without it the first
 * failure would be some other bean's, and the gateway would say nothing about keys.
 * <p>
 * Runs after {@link DemoUpstreamInitializer}, which supplies the demo's keys.
 */
public class RequiredKeysCheck implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

    /** The group the sample's routes name in {@code KeyRotation=default}. */
    public static final String GROUP = "default";

    private static final ConfigurationPropertyName KEYS =
            ConfigurationPropertyName.of("gemini.gateway.groups." + GROUP + ".keys");

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        if (!hasKeys(context.getEnvironment())) {
            throw new MissingGeminiKeysException(GROUP);
        }
    }

    /**
     * Whether keys are set: the comma-separated form as it finally resolves (so a blank command-line value hides an
     * environment variable), else any non-blank value of the list form ({@code keys[0].key}).
     */
    static boolean hasKeys(ConfigurableEnvironment environment) {
        String commaSeparated = environment.getProperty(KEYS.toString());
        if (commaSeparated != null) {
            return !commaSeparated.isBlank();
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable
                    && iterable.filter(KEYS::isAncestorOf).stream()
                            .anyMatch(name -> isSet(iterable.getConfigurationProperty(name)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSet(ConfigurationProperty property) {
        return property != null && property.getValue() != null && !property.getValue().toString().isBlank();
    }

    @Override
    public int getOrder() {
        return DemoUpstreamInitializer.ORDER + 1;
    }
}
