package dev.geminigateway.sample.ops;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.sample.SampleGatewayApplication;
import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.simulator.KeyStatus;
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
 * The sample gateway with its own application.yml routes and the ops defaults, in front of an in-process simulator
 * this class owns (not the demo profile's, whose tests count every call of each demo key). One context shared by the
 * ops and dashboard tests; each test starts from a clean simulator and clean key states.
 */
@SpringBootTest(classes = SampleGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "gemini.gateway.groups.default.keys=" + OpsGatewayTest.ALPHA + "@ops-alpha,"
                        + OpsGatewayTest.BETA + "@ops-beta," + OpsGatewayTest.GAMMA + "@ops-gamma",
                "gemini.gateway.client-auth.tokens=" + OpsGatewayTest.CLIENT_TOKEN,
                "gemini.gateway.admin.token=" + OpsGatewayTest.ADMIN_TOKEN,
                // plain rotation: these tests count on each key's turn (alpha's second request meets its quota); with
                // health weighting a slow first request (a cold JVM on a busy machine) would hand alpha's turns to beta
                "gemini.gateway.rotation.health-weighted=false" })
public abstract class OpsGatewayTest {

    protected static final String ALPHA = "AIzaSyOpsAlphaKey1111111111111111111111";
    protected static final String BETA = "AIzaSyOpsBetaKey22222222222222222222222";
    /** The simulator answers this one API_KEY_INVALID. */
    protected static final String GAMMA = "AIzaSyOpsGammaKey333333333333333333333";
    protected static final List<String> SECRETS = List.of(ALPHA, BETA, GAMMA);
    protected static final String CLIENT_TOKEN = "ops-client-token-123456";
    protected static final String ADMIN_TOKEN = "ops-admin-token-abcdef0123456789";
    protected static final String MODEL_PATH = "/v1beta/models/gemini-2.5-flash:generateContent";

    protected static final GeminiSimulator SIM = GeminiSimulator.start();

    @LocalServerPort
    protected int port;

    @Autowired
    protected KeyStateStore store;

    @Autowired
    protected KeyRegistry registry;

    @Autowired
    protected QuotaScheduler quota;

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry properties) {
        // No probe.base-url: key probes find the simulator through the routes, from start-up.
        properties.add("gateway.upstream-url", SIM::baseUrl);
    }

    @BeforeEach
    void cleanSlate() {
        SIM.reset();
        SIM.addKey(ALPHA, "ops-alpha").addKey(BETA, "ops-beta").addKey(GAMMA, "ops-gamma", KeyStatus.INVALID);
        for (ApiKey key : registry.allKeys()) {
            store.setOperatorState(key.id(), KeyState.Active.INSTANCE);
            store.recordSuccess(key.id());
            store.clearCooldowns(key.project());
        }
        // a limit Gemini stated in an earlier test would keep the scheduler from sending what this test expects
        quota.policy().forgetLearned();
        quota.ledgers().reset();
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    protected WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl(baseUrl()).responseTimeout(Duration.ofSeconds(30)).build();
    }

    protected void generate(int times) {
        for (int i = 0; i < times; i++) {
            client().post().uri(MODEL_PATH).header("x-goog-api-key", CLIENT_TOKEN)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"contents\":[{\"parts\":[{\"text\":\"hello from ops\"}]}]}")
                    .exchange().expectStatus().isOk();
        }
    }

    protected static String id(String secret) {
        return ApiKey.fingerprint(secret);
    }
}
