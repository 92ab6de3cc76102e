package dev.geminigateway.selection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.InMemoryKeyStateStore;

import static org.assertj.core.api.Assertions.assertThat;

class ProjectPinSelectionTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private final InMemoryKeyStateStore store = new InMemoryKeyStateStore();
    private final KeySelector selector = new KeySelector(store);
    private final KeyGroup group = group("a", "b", "b", "c");

    @Test
    void aPinnedRequestOnlyEverGetsKeysOfItsProject() {
        for (int i = 0; i < 8; i++) {
            assertThat(pick(Set.of(), ProjectPin.to("b")).project()).isEqualTo("b");
        }
        ApiKey first = pick(Set.of(), ProjectPin.to("b"));
        ApiKey second = pick(Set.of(first.id()), ProjectPin.to("b"));
        assertThat(second.project()).isEqualTo("b");
        assertThat(second).isNotEqualTo(first);
        assertThat(selector.select(group, "m", Set.of(first.id(), second.id()), Set.of(), NOW, 0, ProjectPin.to("b")).block())
                .isInstanceOf(Selection.Unavailable.class);
    }

    @Test
    void aPinnedProjectCoolingDownMakesTheRequestWaitRatherThanUseAnotherProject() {
        store.coolDown(new Cooldown("b", "m", NOW.plusSeconds(30), "minute quota"));

        assertThat(selector.select(group, "m", Set.of(), Set.of(), NOW, 0, ProjectPin.to("b")).block())
                .isEqualTo(new Selection.Unavailable(NOW.plusSeconds(30), false));
    }

    @Test
    void anUnknownOwnerOrAnOwnerWithoutKeysHereGetsOneAttempt() {
        for (ProjectPin pin : List.of(ProjectPin.UNKNOWN_OWNER, ProjectPin.to("elsewhere"))) {
            ApiKey first = pick(Set.of(), pin);
            assertThat(first).isNotNull();
            assertThat(selector.select(group, "m", Set.of(first.id()), Set.of(), NOW, 0, pin).block())
                    .isEqualTo(new Selection.Unavailable(null, false));
        }
    }

    private ApiKey pick(Set<String> tried, ProjectPin pin) {
        Selection selection = selector.select(group, "m", tried, Set.of(), NOW, 0, pin).block();
        return selection instanceof Selection.Selected selected ? selected.key() : null;
    }

    private static KeyGroup group(String... projects) {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < projects.length; i++) {
            keys.add(new ApiKey("AIzaSyPinTestKey" + i + "xxxxxxxxxxxxxxxxxxxxx", projects[i], null, "g"));
        }
        return new KeyGroup("g", keys, Set.of());
    }
}
