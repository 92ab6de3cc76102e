package dev.geminigateway.it;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.geminigateway.health.KeyProber;
import dev.geminigateway.simulator.KeyStatus;
import dev.geminigateway.store.KeyState;

import static org.assertj.core.api.Assertions.assertThat;

/** Quarantined keys are re-checked with a cheap GET models and come back when it works again. */
class QuarantineProbeTest extends GatewayIntegrationTest {

    @Autowired
    KeyProber prober;

    @Test
    void aQuarantinedKeyReturnsWhenItsProbeSucceedsAndStaysOutWhileItFails() {
        SIM.reset();
        SIM.addKey(A1, "pa", KeyStatus.INVALID).addKey(A2, "pa").addKey(B1, "pb").addKey(C1, "pc");
        for (int i = 0; i < 4; i++) {
            postNative("/v1beta/models/gemini-2.5-flash:generateContent").expectStatus().isOk();
        }
        assertThat(store.state(id(A1))).isInstanceOf(KeyState.Quarantined.class);

        assertThat(prober.probeQuarantined().block()).isZero();
        assertThat(store.state(id(A1))).isInstanceOf(KeyState.Quarantined.class);

        SIM.addKey(A1, "pa");
        long generateCalls = SIM.counters().forModel("gemini-2.5-flash");
        assertThat(prober.probeQuarantined().block()).isEqualTo(1);
        assertThat(store.state(id(A1))).isInstanceOf(KeyState.Active.class);
        // The probe is a models listing: it costs no generation quota.
        assertThat(SIM.recordedRequests().get(SIM.recordedRequests().size() - 1).path()).endsWith("/models");
        assertThat(SIM.counters().forModel("gemini-2.5-flash")).isEqualTo(generateCalls);
    }
}
