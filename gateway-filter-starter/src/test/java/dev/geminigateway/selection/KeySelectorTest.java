package dev.geminigateway.selection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.store.KeyState;

import static org.assertj.core.api.Assertions.assertThat;

class KeySelectorTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private final InMemoryKeyStateStore store = new InMemoryKeyStateStore();
    private final KeySelector selector = new KeySelector(store);

    private static KeyGroup group(String... projects) {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < projects.length; i++) {
            keys.add(new ApiKey("AIzaSyUnitTestKey" + i + "xxxxxxxxxxxxxxxxxxxx", projects[i], null, "g"));
        }
        return new KeyGroup("g", keys, Set.of());
    }

    private ApiKey pick(KeyGroup group, Set<String> tried) {
        Selection selection = selector.select(group, "m", tried, Set.of(), NOW).block();
        return selection instanceof Selection.Selected selected ? selected.key() : null;
    }

    @Test
    void roundRobinVisitsEveryKey() {
        KeyGroup group = group("a", "b", "c");
        Set<ApiKey> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            seen.add(pick(group, Set.of()));
        }
        assertThat(seen).hasSize(3);
    }

    @Test
    void skipsQuarantinedDisabledBenchedAndTriedKeys() {
        KeyGroup group = group("a", "b", "c", "d");
        List<ApiKey> keys = group.keys();
        store.setState(keys.get(0).id(), new KeyState.Quarantined(NOW, "invalid"));
        store.setState(keys.get(1).id(), new KeyState.Disabled(NOW, "operator"));
        store.setState(keys.get(2).id(), new KeyState.CoolingDown(NOW.plusSeconds(60), "benched"));
        for (int i = 0; i < 4; i++) {
            assertThat(pick(group, Set.of())).isEqualTo(keys.get(3));
        }
        Selection none = selector.select(group, "m", Set.of(keys.get(3).id()), Set.of(), NOW).block();
        assertThat(none).isEqualTo(new Selection.Unavailable(NOW.plusSeconds(60), false));
    }

    @Test
    void aBenchEndsByItself() {
        KeyGroup group = group("a");
        store.setState(group.keys().get(0).id(), new KeyState.CoolingDown(NOW.minusSeconds(1), "benched"));
        assertThat(pick(group, Set.of())).isEqualTo(group.keys().get(0));
    }

    @Test
    void aProjectCooldownAppliesToItsModelOnlyAndReportsTheEarliestEnd() {
        KeyGroup group = group("a", "a", "b");
        store.coolDown(new Cooldown("a", "m", NOW.plusSeconds(30), "rpm"));
        store.coolDown(new Cooldown("b", "m", NOW.plusSeconds(10), "rpm"));
        assertThat(selector.select(group, "m", Set.of(), Set.of(), NOW).block())
                .isEqualTo(new Selection.Unavailable(NOW.plusSeconds(10), false));
        assertThat(selector.select(group, "other", Set.of(), Set.of(), NOW).block()).isInstanceOf(Selection.Selected.class);
        store.coolDown(new Cooldown("b", Cooldown.ALL_MODELS, NOW.plusSeconds(5), "all"));
        assertThat(selector.select(group, "other", Set.of(), Set.of("a"), NOW).block())
                .isEqualTo(new Selection.Unavailable(NOW.plusSeconds(5), false));
    }

    @Test
    void allQuarantinedIsReported() {
        KeyGroup group = group("a", "b");
        group.keys().forEach(k -> store.setState(k.id(), new KeyState.Quarantined(NOW, "leaked")));
        assertThat(selector.select(group, "m", Set.of(), Set.of(), NOW).block()).isEqualTo(new Selection.Unavailable(null, true));
    }

    @Test
    void aMillionMadeUpModelsKeepTheCursorsAtTheBound() {
        KeySelector bounded = new KeySelector(store, null, new KnownModels(List.of(), 100));
        KeyGroup group = group("a", "b");
        for (int i = 0; i < 1_000_000; i++) {
            bounded.select(group, "made-up-model-" + i, Set.of(), Set.of(), NOW);
        }
        bounded.select(group, "gemini-2.5-flash", Set.of(), Set.of(), NOW);
        assertThat(bounded.cursorCount()).isEqualTo(101);
    }
}
