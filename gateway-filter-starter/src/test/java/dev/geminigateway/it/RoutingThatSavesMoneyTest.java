package dev.geminigateway.it;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.RecordedRequest;
import dev.geminigateway.simulator.wire.QuotaShapes;
import dev.geminigateway.simulator.wire.QuotaShapes.Limit;
import dev.geminigateway.simulator.wire.QuotaShapes.Tier;
import dev.geminigateway.simulator.wire.QuotaShapes.Violation;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Priority tiers with failover and fallback models ({@code X-Route: tiers}: groups primary, then backup, whose
 * fallback for gemini-2.5-flash is gemini-2.5-flash-lite), and the health-weighted choice within a group.
 */
class RoutingThatSavesMoneyTest extends GatewayIntegrationTest {

    private static final String FLASH = "gemini-2.5-flash";
    private static final String LITE = "gemini-2.5-flash-lite";
    private static final String GENERATE = "/v1beta/models/" + FLASH + ":generateContent";

    @Autowired
    private MeterRegistry meters;

    @Test
    void theRouteFailsOverToTheNextGroupAndComesBackWhenTheFirstRecovers() {
        tiers().expectStatus().isOk().expectHeader().doesNotExist("X-Gemini-Served-Model");
        assertThat(keysSeen()).containsExactly(T1);

        // every key of the primary group cools for the model (its project's minute quota)
        store.coolDown(new Cooldown("pt1", FLASH, Instant.now().plusSeconds(3600), "minute quota"));
        tiers().expectStatus().isOk();
        assertThat(keysSeen()).containsExactly(T1, T2);
        assertThat(SIM.recordedRequests().get(1).path()).contains("/models/" + FLASH + ":");

        store.clearCooldowns("pt1");
        tiers().expectStatus().isOk();
        assertThat(keysSeen()).containsExactly(T1, T2, T1);
    }

    @Test
    void gemini429sOnTheFirstGroupSendTrafficToTheNextUntilItsRetryDelayHasPassed() {
        // the primary project's per-minute quota answers 429 once, with Gemini's own body and a 5 s retryDelay
        SIM.addFault(Fault.error(QuotaShapes.quota(List.of(new Violation(Limit.REQUESTS_PER_MINUTE, Tier.TIER1,
                false, "1000")), FLASH, Duration.ofSeconds(5))).forKey(T1).times(1));
        tiers().expectStatus().isOk();
        assertThat(keysSeen()).as("the 429 is thrown away and the backup tier answers").containsExactly(T1, T2);
        assertThat(store.cooldown("pt1", FLASH, Instant.now())).as("the primary cools for its retryDelay").isPresent();

        // the cooldown ends by itself: traffic comes back to the first group without anyone resetting anything
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            tiers().expectStatus().isOk();
            List<String> seen = keysSeen();
            assertThat(seen.get(seen.size() - 1)).isEqualTo(T1);
        });
        assertThat(SIM.counters().withStatus(429)).as("no more upstream 429s after the first").isEqualTo(1);
    }

    @Test
    void aQuarantinedFirstGroupPassesToTheNextWithoutWaitingOrA503() {
        store.setState(id(T1), new KeyState.Quarantined(Instant.now(), "invalid"));
        tiers().expectStatus().isOk();
        assertThat(keysSeen()).containsExactly(T2);
    }

    @Test
    void whenNoGroupCanServeTheModelTheLastGroupFallsBackToItsCheaperModelAndSaysSo() {
        double before = fallbacks();
        Instant hourLater = Instant.now().plusSeconds(3600);
        store.coolDown(new Cooldown("pt1", FLASH, hourLater, "day quota"));
        store.coolDown(new Cooldown("pt2", FLASH, hourLater, "day quota"));

        tiers().expectStatus().isOk().expectHeader().valueEquals("X-Gemini-Served-Model", LITE);

        RecordedRequest sent = SIM.recordedRequests().get(0);
        assertThat(sent.apiKey()).isEqualTo(T2);
        assertThat(sent.path()).isEqualTo("/v1beta/models/" + LITE + ":generateContent");
        assertThat(fallbacks() - before).isEqualTo(1.0);
    }

    @Test
    void onTheOpenAiSurfaceTheFallbackModelIsWrittenIntoTheBody() {
        double before = fallbacks();
        Instant hourLater = Instant.now().plusSeconds(3600);
        store.coolDown(new Cooldown("pt1", FLASH, hourLater, "day quota"));
        store.coolDown(new Cooldown("pt2", FLASH, hourLater, "day quota"));

        client.post().uri("/v1/chat/completions").header("X-Route", "tiers").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + FLASH + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isOk().expectHeader().valueEquals("X-Gemini-Served-Model", LITE);

        RecordedRequest sent = SIM.recordedRequests().get(0);
        assertThat(sent.path()).isEqualTo("/v1beta/openai/chat/completions");
        assertThat(new String(sent.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"model\":\"" + LITE + "\"").contains("\"messages\"");
        assertThat(fallbacks() - before).isEqualTo(1.0);
    }

    @Test
    void aSlowKeyGetsMeasurablyLessTrafficWithoutBeingBenched() {
        SIM.addFault(Fault.latency(Duration.ofMillis(300)).forKey(C1));
        int requests = 60;
        for (int i = 0; i < requests; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        // plain rotation would give each of the four keys 15; the slow key keeps its first request or two
        assertThat(SIM.counters().forKey(C1)).isLessThanOrEqualTo(5);
        assertThat(SIM.counters().forKey(A1) + SIM.counters().forKey(A2) + SIM.counters().forKey(B1))
                .isGreaterThanOrEqualTo(requests - 5);
        assertThat(store.state(id(C1))).isEqualTo(KeyState.Active.INSTANCE);
    }

    @Test
    void aFlakyKeyGetsMeasurablyLessTrafficBeforeAnyBench() {
        SIM.addFault(Fault.status(500).forKey(B1));
        int requests = 60;
        for (int i = 0; i < requests; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        assertThat(SIM.counters().forKey(B1)).as("attempts on the failing key").isLessThanOrEqualTo(3);
        assertThat(store.state(id(B1))).as("not sidelined: its errors only lowered its score")
                .isEqualTo(KeyState.Active.INSTANCE);
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec tiers() {
        return client.post().uri(GENERATE).header("X-Route", "tiers").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(NATIVE_BODY).exchange();
    }

    private static List<String> keysSeen() {
        return SIM.recordedRequests().stream().map(RecordedRequest::apiKey).toList();
    }

    private double fallbacks() {
        Counter counter = meters.find("gemini.gateway.rotation.fallbacks").tags("group", "backup", "from", FLASH,
                "to", LITE).counter();
        return counter == null ? 0 : counter.count();
    }
}
