package dev.geminigateway.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;

import static org.assertj.core.api.Assertions.assertThat;

/** The documents and events survive a round trip; a replica ignores its own events; the view merges like Redis. */
class StateCodecTest {

    private final StateCodec codec = new StateCodec();
    private final Instant t = Instant.ofEpochMilli(1_764_000_000_123L);

    @Test
    void everyStateKindRoundTrips() {
        for (KeyState state : List.of(KeyState.Active.INSTANCE, new KeyState.CoolingDown(t, "benched"),
                new KeyState.Quarantined(t, "API_KEY_INVALID"), new KeyState.Disabled(t, "operator"))) {
            StampedState stamped = new StampedState(state, 42L);
            assertThat(codec.decodeState(codec.encodeState(stamped))).isEqualTo(stamped);
        }
        Cooldown cooldown = new Cooldown("p|x\"y", Cooldown.ALL_MODELS, t, "reason with \"quotes\"");
        assertThat(codec.decodeCooldown(codec.encodeCooldown(cooldown))).isEqualTo(cooldown);
    }

    @Test
    void eventsReachTheHandlerExceptOwnOnes() {
        List<String> seen = new ArrayList<>();
        StateCodec.StateEventHandler handler = new StateCodec.StateEventHandler() {
            @Override
            public void onState(String keyId, StampedState state) {
                seen.add("S " + keyId + " " + state.state().name() + " " + state.at());
            }

            @Override
            public void onCooldown(Cooldown cooldown) {
                seen.add("C " + cooldown.project() + " " + cooldown.until().toEpochMilli());
            }

            @Override
            public void onClearCooldowns(String project) {
                seen.add("X " + project);
            }

            @Override
            public void onFailures(String keyId, int count) {
                seen.add("F " + keyId + " " + count);
            }
        };
        codec.dispatch(codec.stateEvent("other", "k1", new StampedState(new KeyState.Quarantined(t, "r"), 7L)), "me", handler);
        codec.dispatch(codec.cooldownEvent("other", new Cooldown("pa", "m", t, "r")), "me", handler);
        codec.dispatch(codec.clearEvent("other", "pa"), "me", handler);
        codec.dispatch(codec.failuresEvent("other", "k1", 3), "me", handler);
        codec.dispatch("{\"o\":\"other\",\"t\":\"F\",\"id\":\"k2\",\"n\":4}", "me", handler); // as the Lua script writes it
        codec.dispatch(codec.clearEvent("me", "pa"), "me", handler);
        codec.dispatch("{\"o\":\"other\",\"t\":\"future-kind\"}", "me", handler);
        assertThat(seen).containsExactly("S k1 QUARANTINED 7", "C pa 1764000000123", "X pa", "F k1 3", "F k2 4");
    }

    @Test
    void theLocalViewKeepsTheLaterStateAndTheLongerCooldown() {
        LocalStateView view = new LocalStateView();
        view.apply("k", new StampedState(new KeyState.Quarantined(t, "leaked"), 100));
        assertThat(view.apply("k", new StampedState(KeyState.Active.INSTANCE, 99))).isFalse();
        assertThat(view.state("k")).isInstanceOf(KeyState.Quarantined.class);
        assertThat(view.setLocally("k", KeyState.Active.INSTANCE, 50, false)).isTrue();
        assertThat(view.stamped("k").at()).as("a local change is never older").isEqualTo(101);

        assertThat(view.cool(new Cooldown("p", "m", t.plusSeconds(60), "long"))).isTrue();
        assertThat(view.cool(new Cooldown("p", "m", t.plusSeconds(10), "short"))).isFalse();
        assertThat(view.cooldown("p", "m", t).get().reason()).isEqualTo("long");
        assertThat(view.cooldown("p", "other", t)).isEmpty();
        view.cool(new Cooldown("p", Cooldown.ALL_MODELS, t.plusSeconds(5), "all"));
        assertThat(view.cooldown("p", "other", t).get().reason()).isEqualTo("all");
    }
}
