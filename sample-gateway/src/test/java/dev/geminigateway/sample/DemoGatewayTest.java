package dev.geminigateway.sample;

import java.time.Duration;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.sample.demo.DemoUpstream;
import dev.geminigateway.sample.demo.DemoUpstreamInitializer;
import dev.geminigateway.sample.demo.DemoWelcome;
import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.store.KeyStateStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The sample gateway exactly as {@code --spring.profiles.active=demo} starts it, on a random port: its routes, its
 * filter chain and its in-process simulator. One context, shared by every subclass (same configuration, so Spring
 * caches it); tests only add traffic, so they assert on what they caused, never on absolute counts.
 */
@SpringBootTest(classes = SampleGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(DemoUpstreamInitializer.PROFILE)
public abstract class DemoGatewayTest {

    protected static final String TOKEN = DemoWelcome.CLIENT_TOKEN;
    protected static final String MODEL = "gemini-2.5-flash";
    protected static final String EMBEDDING_MODEL = "text-embedding-004";

    @LocalServerPort
    protected int port;

    @Autowired
    @Qualifier(DemoUpstreamInitializer.SIMULATOR_BEAN)
    protected GeminiSimulator simulator;

    @Autowired
    protected KeyStateStore keyStates;

    protected String gatewayUrl() {
        return "http://127.0.0.1:" + port;
    }

    protected WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl(gatewayUrl()).responseTimeout(Duration.ofSeconds(30)).build();
    }

    /** Upstream requests the simulator has seen with each valid demo key, summed. */
    protected long validKeyCalls() {
        return DemoUpstream.validKeys().stream().mapToLong(key -> simulator.counters().forKey(key.key())).sum();
    }

    protected static String id(DemoUpstream.DemoKey key) {
        return ApiKey.fingerprint(key.key());
    }
}
