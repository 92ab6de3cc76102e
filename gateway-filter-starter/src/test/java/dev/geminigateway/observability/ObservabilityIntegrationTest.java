package dev.geminigateway.observability;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;

import dev.geminigateway.it.TestGatewayApplication;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.rotation.UpstreamBreakers;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One gateway context for every observability and admin test (same properties, so Spring caches it), with client
 * authentication, the admin token and Spring Security on, in front of one in-process simulator. Each test starts
 * from a clean simulator, clean key states, the configured keys only and no learned quota; counters are cumulative
 * across the tests of this context, so a test asserts what its own action added.
 */
@SpringBootTest(classes = TestGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "management.endpoints.web.exposure.include=health,prometheus,geminikeys,geminiconsole,info",
                "management.endpoint.health.show-details=always",
                "management.endpoint.health.probes.enabled=true",
                "management.endpoint.health.group.readiness.include=readinessState,geminiKeys",
                "management.endpoint.health.group.liveness.include=livenessState",
                "gemini.gateway.rotation.quota-jitter=0s",
                "gemini.gateway.rotation.max-wait=0s",
                "gemini.gateway.rotation.backoff-base=1ms",
                "gemini.gateway.rotation.backoff-max=5ms",
                "gemini.gateway.rotation.retry-budget-min=100000",
                "gemini.gateway.rotation.capacity-threshold=1000",
                "spring.cloud.gateway.server.webflux.routes[0].id=gemini",
                "spring.cloud.gateway.server.webflux.routes[0].uri=${sim.uri}",
                "spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/v1/**,/v1beta/**,/v1alpha/**",
                "spring.cloud.gateway.server.webflux.routes[0].filters[0]=ClientAuth",
                "spring.cloud.gateway.server.webflux.routes[0].filters[1]=KeyRotation=default",
                "spring.cloud.gateway.server.webflux.routes[0].filters[2]=KeyHealthFeedback" })
public abstract class ObservabilityIntegrationTest {

    protected static final String K1 = "AIzaSyObsKey1aaaaaaaaaaaaaaaaaaaaaaaaaaa";
    protected static final String K2 = "AIzaSyObsKey2bbbbbbbbbbbbbbbbbbbbbbbbbbb";
    protected static final String K3 = "AIzaSyObsKey3ccccccccccccccccccccccccccc";
    protected static final List<String> CONFIGURED = List.of(K1, K2, K3);
    protected static final String ADMIN_TOKEN = "obs-admin-token-0123456789abcdef";
    protected static final String CLIENT_TOKEN = "obs-client-token-0123456789";
    protected static final String MODEL_PATH = "/v1beta/models/gemini-2.5-flash:generateContent";
    protected static final String NATIVE_BODY = "{\"contents\":[{\"parts\":[{\"text\":\"hello\"}]}]}";

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
    protected QuotaScheduler quota;

    @Autowired
    protected KeySelector selector;

    protected WebTestClient client;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry properties) {
        properties.add("gemini.gateway.groups.default.keys", () -> K1 + "@p1," + K2 + "@p2," + K3 + "@p3");
        properties.add("gemini.gateway.client-auth.tokens", () -> CLIENT_TOKEN);
        properties.add("gemini.gateway.admin.token", () -> ADMIN_TOKEN);
        properties.add("gemini.gateway.probe.base-url", SIM::baseUrl);
        properties.add("sim.uri", SIM::baseUrl);
    }

    @BeforeEach
    void cleanSlate() {
        SIM.reset();
        SIM.addKey(K1, "p1").addKey(K2, "p2").addKey(K3, "p3");
        for (ApiKey key : registry.allKeys()) {
            if (!CONFIGURED.contains(key.secret())) {
                registry.removeKey(key.id());
            }
        }
        for (ApiKey key : registry.allKeys()) {
            store.setOperatorState(key.id(), KeyState.Active.INSTANCE);
            store.recordSuccess(key.id());
            store.clearCooldowns(key.project());
        }
        breakers.reset();
        // A quota 429 teaches the gateway a limit until Pacific midnight: a later test must not inherit it.
        quota.ledgers().reset();
        quota.policy().forgetLearned();
        selector.scores().reset();
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();
    }

    protected WebTestClient.ResponseSpec generate() {
        return client.post().uri(MODEL_PATH).header("x-goog-api-key", CLIENT_TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(NATIVE_BODY).exchange();
    }

    protected WebTestClient.RequestHeadersSpec<?> admin(WebTestClient.RequestHeadersSpec<?> spec) {
        return spec.header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    protected String adminGet(String uri) {
        return admin(client.get().uri(uri)).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    protected static String id(String key) {
        return ApiKey.fingerprint(key);
    }
}
