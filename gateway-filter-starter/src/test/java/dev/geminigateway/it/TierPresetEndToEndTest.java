package dev.geminigateway.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.quota.GeminiTier;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.quota.TierPresets;
import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.simulator.Quota;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group on the free tier, in front of the simulator enforcing the same limits: the tier's published limits hold
 * from the first request, without a 429 to learn them from. A context of its own: a tier is fixed at start-up, and
 * the shared contexts' groups have none (the free tier's few requests a minute would throttle their tests).
 */
@SpringBootTest(classes = TestGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "management.endpoints.web.exposure.include=health,geminikeys",
                "gemini.gateway.groups.default.tier=free",
                "gemini.gateway.groups.default.quotas[gemini-2.5-flash].rpm=3",
                "gemini.gateway.rotation.max-wait=0s",
                "gemini.gateway.rotation.quota-jitter=0s",
                "gemini.gateway.client-auth.enabled=false",
                "spring.cloud.gateway.server.webflux.routes[0].id=gemini",
                "spring.cloud.gateway.server.webflux.routes[0].uri=${sim.uri}",
                "spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/v1beta/**",
                "spring.cloud.gateway.server.webflux.routes[0].filters[0]=TokenLimit=125000",
                "spring.cloud.gateway.server.webflux.routes[0].filters[1]=KeyRotation=default",
                "spring.cloud.gateway.server.webflux.routes[0].filters[2]=KeyHealthFeedback" })
class TierPresetEndToEndTest {

    private static final String K1 = "AIzaSyTierKey1aaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String K2 = "AIzaSyTierKey2bbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static final String ADMIN_TOKEN = "tier-admin-token-0123456789abcdef";
    private static final String PRO = "gemini-2.5-pro";
    private static final String FLASH = "gemini-2.5-flash";
    private static final GeminiSimulator SIM = GeminiSimulator.start();

    @LocalServerPort
    int port;

    @Autowired
    KeyStateStore store;

    @Autowired
    KeyRegistry registry;

    @Autowired
    QuotaScheduler quota;

    WebTestClient client;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry properties) {
        properties.add("gemini.gateway.groups.default.keys", () -> K1 + "@tier-p1," + K2 + "@tier-p2");
        properties.add("gemini.gateway.admin.token", () -> ADMIN_TOKEN);
        properties.add("sim.uri", SIM::baseUrl);
    }

    @BeforeEach
    void cleanSlate() {
        SIM.reset();
        SIM.addKey(K1, "tier-p1").addKey(K2, "tier-p2");
        for (ApiKey key : registry.allKeys()) {
            store.setState(key.id(), KeyState.Active.INSTANCE);
            store.recordSuccess(key.id());
            store.clearCooldowns(key.project());
        }
        quota.ledgers().reset();
        quota.policy().forgetLearned();
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();
    }

    private int generate(String model) {
        return client.post().uri("/v1beta/models/" + model + ":generateContent").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"contents\":[{\"parts\":[{\"text\":\"hello\"}]}]}")
                .exchange().returnResult(String.class).getStatus().value();
    }

    @Test
    void aBurstOverTheFreeTiersRequestsPerMinuteNeverReachesGeminiBeyondTheLimit() {
        long rpm = TierPresets.published().limits(GeminiTier.FREE, PRO).rpm();
        for (String project : List.of("tier-p1", "tier-p2")) {
            SIM.setQuota(project, PRO, Quota.of((int) rpm, 250_000, 100));
        }
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 2 * rpm + 4; i++) {
            statuses.add(generate(PRO));
        }

        assertThat(statuses.subList(0, (int) (2 * rpm))).containsOnly(200);
        assertThat(statuses.subList((int) (2 * rpm), statuses.size())).containsOnly(429);
        assertThat(SIM.counters().total()).isEqualTo(2 * rpm);
        assertThat(SIM.counters().withStatus(429)).as("Gemini never had to refuse").isZero();
    }

    @Test
    void theAdminViewShowsEachLimitInForceWithItsSource() {
        quota.learn("default", "tier-p1", FLASH, QuotaMetric.RPD, 12);

        client.get().uri("/actuator/geminikeys").header("Authorization", "Bearer " + ADMIN_TOKEN).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.quotas.tiers.default").isEqualTo("free")
                .jsonPath("$.quotas.presetsAsOf").isEqualTo(TierPresets.published().asOf().toString())
                .jsonPath("$.quotas.limits[?(@.project=='tier-p1' && @.model=='gemini-2.5-flash')].rpm.limit").isEqualTo(3)
                .jsonPath("$.quotas.limits[?(@.project=='tier-p1' && @.model=='gemini-2.5-flash')].rpm.source").isEqualTo("declared")
                .jsonPath("$.quotas.limits[?(@.project=='tier-p1' && @.model=='gemini-2.5-flash')].tpm.limit").isEqualTo(250000)
                .jsonPath("$.quotas.limits[?(@.project=='tier-p1' && @.model=='gemini-2.5-flash')].tpm.source").isEqualTo("tier-preset")
                .jsonPath("$.quotas.limits[?(@.project=='tier-p1' && @.model=='gemini-2.5-flash')].rpd.limit").isEqualTo(12)
                .jsonPath("$.quotas.limits[?(@.project=='tier-p1' && @.model=='gemini-2.5-flash')].rpd.source").isEqualTo("learned")
                .jsonPath("$.quotas.limits[?(@.project=='tier-p2' && @.model=='gemini-2.5-flash')].rpd.source").isEqualTo("tier-preset")
                .jsonPath("$.quotas.limits[?(@.project=='tier-p2' && @.model=='gemini-2.5-pro')].rpm.limit").isEqualTo(5);
    }
}
