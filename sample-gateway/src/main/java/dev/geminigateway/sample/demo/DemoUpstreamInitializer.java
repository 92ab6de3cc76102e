package dev.geminigateway.sample.demo;

import dev.geminigateway.simulator.GeminiSimulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With the {@value #PROFILE} profile, starts the Gemini simulator ({@link DemoUpstream}) before the context is
 * refreshed, so that its address is a plain property when the routes are bound, and registers it as the bean
 * {@value #SIMULATOR_BEAN}.
 * <p>
 * Why here: an initializer runs once the profiles are known and before any bean exists, so no route, key prober or
 * health check can see the gateway without its upstream; the simulator takes a free port, so nothing collides with
 * another demo or a test; and as a bean it is closed with the context, after the web server has drained in-flight
 * requests (a graceful shutdown lets demo streams finish).
 */
public class DemoUpstreamInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

    public static final String PROFILE = "demo";
    public static final String SIMULATOR_BEAN = "demoGeminiSimulator";
    public static final String PROPERTY_SOURCE_NAME = "demoUpstream";
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    private static final Logger log = LoggerFactory.getLogger(DemoUpstreamInitializer.class);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        if (!environment.matchesProfiles(PROFILE)) {
            return;
        }
        if (!(context instanceof GenericApplicationContext registry)) {
            throw new IllegalStateException("The demo profile needs a GenericApplicationContext, got "
                    + context.getClass().getName());
        }
        if (environment.getProperty("GEMINI_API_KEYS") != null) {
            log.warn("Demo profile: GEMINI_API_KEYS is ignored, the demo runs on its simulator's demo keys");
        }
        GeminiSimulator simulator = GeminiSimulator.start(DemoUpstream.simulatorConfig());
        try {
            environment.getPropertySources().addFirst(
                    new MapPropertySource(PROPERTY_SOURCE_NAME, DemoUpstream.gatewayProperties(simulator.baseUrl())));
            // closed with the other singletons: after the web server drained, and also when the refresh fails
            DefaultListableBeanFactory beanFactory = registry.getDefaultListableBeanFactory();
            beanFactory.registerSingleton(SIMULATOR_BEAN, simulator);
            beanFactory.registerDisposableBean(SIMULATOR_BEAN, simulator::close);
        }
        catch (RuntimeException ex) {
            simulator.close();
            throw ex;
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
