package dev.geminigateway.sample.demo;

import dev.geminigateway.client.ClientTokens;
import dev.geminigateway.simulator.GeminiSimulator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The demo profile's beans. Its upstream, the simulator, is started earlier by {@link DemoUpstreamInitializer}
 * (routes need its address before any bean exists); this only greets the user once the gateway listens.
 */
@Configuration(proxyBeanMethods = false)
@Profile(DemoUpstreamInitializer.PROFILE)
public class DemoConfiguration {

    @Bean
    DemoWelcome demoWelcome(@Qualifier(DemoUpstreamInitializer.SIMULATOR_BEAN) GeminiSimulator simulator,
            ObjectProvider<ClientTokens> clientTokens) {
        return new DemoWelcome(simulator, clientTokens);
    }
}
