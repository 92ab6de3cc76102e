package dev.geminigateway.store;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryKeyStateStoreTest {

    private final InMemoryKeyStateStore store = new InMemoryKeyStateStore();
    private final Instant now = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void evidenceNeverEndsAnOperatorsDisable() {
        store.setOperatorState("k", new KeyState.Disabled(now, "operator"));

        store.setState("k", new KeyState.Quarantined(now, "API_KEY_INVALID"));
        store.setState("k", new KeyState.CoolingDown(now.plusSeconds(60), "benched"));
        store.setState("k", KeyState.Active.INSTANCE);

        assertThat(store.state("k")).isEqualTo(new KeyState.Disabled(now, "operator"));
    }

    @Test
    void onlyTheOperatorEndsItAndEvidenceCountsAgainAfterwards() {
        store.setOperatorState("k", new KeyState.Disabled(now, "operator"));
        store.setOperatorState("k", KeyState.Active.INSTANCE);
        assertThat(store.state("k")).isEqualTo(KeyState.Active.INSTANCE);

        store.setState("k", new KeyState.Quarantined(now, "API_KEY_INVALID"));
        assertThat(store.state("k")).isInstanceOf(KeyState.Quarantined.class);
        store.setState("k", KeyState.Active.INSTANCE);
        assertThat(store.state("k")).isEqualTo(KeyState.Active.INSTANCE);
    }
}
