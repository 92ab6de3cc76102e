package dev.geminigateway.it;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.rotation.UpstreamBreakers;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

/**
 * One gateway context shared by every integration test class (same properties, so Spring caches it), in front of
 * one in-process simulator. Each test starts from a clean simulator and a clean key state.
 */
@SpringBootTest(classes = TestGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
public abstract class GatewayIntegrationTest {

    /** Default group: two keys share project "pa", the others have a project each. */
    protected static final String A1 = "AIzaSyTestKeyA1aaaaaaaaaaaaaaaaaaaaaaaaa";
    protected static final String A2 = "AIzaSyTestKeyA2bbbbbbbbbbbbbbbbbbbbbbbbb";
    protected static final String B1 = "AIzaSyTestKeyB1ccccccccccccccccccccccccc";
    protected static final String C1 = "AIzaSyTestKeyC1ddddddddddddddddddddddddd";
    /** Group "pro", serving only gemini-2.5-pro. */
    protected static final String P1 = "AIzaSyTestKeyP1eeeeeeeeeeeeeeeeeeeeeeeee";
    protected static final List<String> ALL_KEYS = List.of(A1, A2, B1, C1, P1);
    /** Groups "primary" and "backup" of the failover route ({@code X-Route: tiers}); backup falls back to lite. */
    protected static final String T1 = "AIzaSyTestKeyT1fffffffffffffffffffffffff";
    protected static final String T2 = "AIzaSyTestKeyT2ggggggggggggggggggggggggg";

    protected static final GeminiSimulator SIM = GeminiSimulator.start();

    @LocalServerPort
    protected int port;

    @Autowired
    protected KeyStateStore store;

    @Autowired
    protected KeyRegistry registry;

    @Autowired
    protected UpstreamBreakers breakers;

    @Autowired
    protected KeySelector selector;

    @Autowired
    protected QuotaScheduler quota;

    protected WebTestClient client;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("gemini.gateway.groups.default.keys", () -> A1 + "@pa," + A2 + "@pa," + B1 + "@pb," + C1 + "@pc");
        registry.add("gemini.gateway.groups.pro.keys", () -> P1 + "@pp");
        registry.add("gemini.gateway.groups.pro.models", () -> "gemini-2.5-pro");
        registry.add("gemini.gateway.groups.primary.keys", () -> T1 + "@pt1");
        registry.add("gemini.gateway.groups.backup.keys", () -> T2 + "@pt2");
        registry.add("gemini.gateway.groups.backup.fallback-models[gemini-2.5-flash]", () -> "gemini-2.5-flash-lite");
        registry.add("gemini.gateway.rotation.quota-jitter", () -> "0s");
        registry.add("gemini.gateway.rotation.max-wait", () -> "0s");
        registry.add("gemini.gateway.rotation.backoff-base", () -> "1ms");
        registry.add("gemini.gateway.rotation.backoff-max", () -> "5ms");
        registry.add("gemini.gateway.rotation.retry-budget-min", () -> "100000");
        registry.add("gemini.gateway.rotation.capacity-threshold", () -> "1000");
        registry.add("gemini.gateway.client-auth.enabled", () -> "false");
        registry.add("sim.uri", SIM::baseUrl);
    }

    @BeforeEach
    void cleanSlate() {
        SIM.reset();
        SIM.addKey(A1, "pa").addKey(A2, "pa").addKey(B1, "pb").addKey(C1, "pc").addKey(P1, "pp")
                .addKey(T1, "pt1").addKey(T2, "pt2");
        SIM.setStreaming(3, Duration.ofMillis(20));
        for (ApiKey key : registry.allKeys()) {
            store.setOperatorState(key.id(), KeyState.Active.INSTANCE);
            store.recordSuccess(key.id());
            store.clearCooldowns(key.project());
        }
        breakers.reset();
        selector.scores().reset();
        // The simulator's quota usage starts from zero: so must the gateway's ledgers and what they learned.
        quota.ledgers().reset();
        quota.policy().forgetLearned();
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();
    }

    protected static final String NATIVE_BODY = "{\"contents\":[{\"parts\":[{\"text\":\"héllo, wörld\"}]}]}";

    protected WebTestClient.ResponseSpec postNative(String uri) {
        return client.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(NATIVE_BODY).exchange();
    }

    protected static String id(String key) {
        return ApiKey.fingerprint(key);
    }
}
