package dev.geminigateway.it;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.KeyStatus;
import dev.geminigateway.simulator.Quota;
import dev.geminigateway.store.KeyState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each row of the classification table (ARCHITECTURE.md §4), end to end: what the client gets, what reached the
 * simulator, and what the gateway learned. Only key B1 (project pb) gets the trouble; the pool is A1, A2 (pa), B1,
 * C1 (pc), so a rotation must land on another key.
 */
class ClassificationEndToEndTest extends GatewayIntegrationTest {

    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";

    /** Sends requests until one lands on B1 first; returns the client status of that request. */
    private int firstRequestThroughB1() {
        for (int i = 0; i < 8; i++) {
            long before = SIM.counters().forKey(B1);
            int status = client.post().uri(GENERATE).contentType(MediaType.APPLICATION_JSON).bodyValue(NATIVE_BODY)
                    .exchange().returnResult(byte[].class).getStatus().value();
            if (SIM.counters().forKey(B1) > before) {
                return status;
            }
        }
        throw new AssertionError("round robin never reached B1");
    }

    @Test
    void invalidKeyIsQuarantinedAfterOneCallAndNeverChosenAgain() {
        SIM.reset();
        SIM.addKey(A1, "pa").addKey(A2, "pa").addKey(B1, "pb", KeyStatus.INVALID).addKey(C1, "pc");
        assertThat(firstRequestThroughB1()).isEqualTo(200);
        assertThat(store.state(id(B1))).isInstanceOf(KeyState.Quarantined.class);
        for (int i = 0; i < 12; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        assertThat(SIM.counters().forKey(B1)).isEqualTo(1);
    }

    @Test
    void leakedAndDisabledKeysAreQuarantined() {
        SIM.reset();
        SIM.addKey(A1, "pa", KeyStatus.LEAKED).addKey(A2, "pa").addKey(B1, "pb", KeyStatus.SERVICE_DISABLED)
                .addKey(C1, "pc");
        for (int i = 0; i < 8; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        assertThat(store.state(id(A1))).isInstanceOf(KeyState.Quarantined.class);
        assertThat(store.state(id(B1))).isInstanceOf(KeyState.Quarantined.class);
        assertThat(SIM.counters().forKey(A1)).isEqualTo(1);
        assertThat(SIM.counters().forKey(B1)).isEqualTo(1);
    }

    @Test
    void minuteQuotaCoolsTheWholeProjectAndMovesToAnotherProject() {
        SIM.setQuota("pa", "gemini-2.5-flash", new Quota(1, 1_000_000, 1000));
        for (int i = 0; i < 10; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        // Project pa answered one 429 at most: after it, neither of its keys is asked again for this model.
        assertThat(SIM.counters().forProject("pa")).isLessThanOrEqualTo(2);
        assertThat(SIM.counters().withStatus(429)).isEqualTo(1);
        assertThat(store.cooldown("pa", "gemini-2.5-flash", Instant.now())).isPresent();
        assertThat(store.cooldown("pb", "gemini-2.5-flash", Instant.now())).isEmpty();
        // Another model is not affected.
        assertThat(store.cooldown("pa", "gemini-2.0-flash", Instant.now())).isEmpty();
    }

    @Test
    void dayQuotaCoolsUntilPacificMidnight() {
        SIM.setQuota("pb", "gemini-2.5-flash", new Quota(1000, 1_000_000, 1));
        for (int i = 0; i < 10; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        Instant until = store.cooldown("pb", "gemini-2.5-flash", Instant.now()).orElseThrow().until();
        assertThat(until).isEqualTo(dev.geminigateway.outcome.PacificDay.nextMidnight(Instant.now()));
    }

    @Test
    void modelNotOnTierMarksProjectAndModelUnavailable() {
        SIM.setQuota("pc", "gemini-2.5-flash", Quota.unavailable());
        for (int i = 0; i < 10; i++) {
            postNative(GENERATE).expectStatus().isOk();
        }
        assertThat(SIM.counters().forProject("pc")).isEqualTo(1);
        assertThat(store.cooldown("pc", "gemini-2.5-flash", Instant.now()).orElseThrow().until())
                .isAfter(Instant.now().plusSeconds(3600));
    }

    @Test
    void bare429RotatesWithoutPenalty() {
        SIM.addFault(Fault.bare429().forKey(B1).times(1));
        assertThat(firstRequestThroughB1()).isEqualTo(200);
        assertThat(store.state(id(B1))).isInstanceOf(KeyState.Active.class);
        assertThat(store.cooldown("pb", "gemini-2.5-flash", Instant.now())).isEmpty();
    }

    @Test
    void clientErrorsAreReturnedAsIsAndRetriedNowhere() {
        long before = SIM.counters().total();
        client.post().uri(GENERATE).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"contents\": 5}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.status").isEqualTo("INVALID_ARGUMENT");
        assertThat(SIM.counters().total() - before).isEqualTo(1);

        long beforeNotFound = SIM.counters().total();
        client.post().uri("/v1beta/models/no-such-model:generateContent").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(NATIVE_BODY).exchange().expectStatus().isNotFound();
        assertThat(SIM.counters().total() - beforeNotFound).isEqualTo(1);
    }

    @Test
    void serverErrorsAreRetriedOnAnotherKey() {
        for (int status : new int[] {500, 503, 504}) {
            SIM.addFault(Fault.status(status).times(1));
            long before = SIM.counters().total();
            postNative(GENERATE).expectStatus().isOk();
            assertThat(SIM.counters().total() - before).as("attempts after a %d", status).isEqualTo(2);
        }
    }

    @Test
    void connectionResetIsRetried() {
        SIM.addFault(Fault.connectionReset().times(1));
        postNative(GENERATE).expectStatus().isOk();
        assertThat(SIM.recordedRequests()).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void anUpstreamStormDoesNotBenchTheKeys() {
        SIM.addFault(Fault.status(503).times(40));
        for (int i = 0; i < 5; i++) {
            postNative(GENERATE).expectBody(String.class).value(body -> assertThat(body).contains("503"));
        }
        for (String key : java.util.List.of(A1, A2, B1, C1)) {
            assertThat(store.state(id(key))).isInstanceOf(KeyState.Active.class);
        }
    }
}
