package dev.geminigateway.selection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.InMemoryKeyStateStore;

import static org.assertj.core.api.Assertions.assertThat;

/** Rendezvous ordering of projects by a prefix fingerprint, and the selector honouring it. */
class PreferredProjectsTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private final InMemoryKeyStateStore store = new InMemoryKeyStateStore();
    private final KeySelector selector = new KeySelector(store);
    private final KeyGroup group = group("a", "b", "b", "c", "d", "e");

    @Test
    void keysAreGroupedByProjectBestFirstKeepingTheirOrderWithinAProject() {
        PreferredProjects preferred = new PreferredProjects(42);
        List<ApiKey> ordered = preferred.order(group.keys());
        assertThat(ordered).containsExactlyInAnyOrderElementsOf(group.keys());
        List<String> projects = ordered.stream().map(ApiKey::project).distinct().toList();
        assertThat(projects).hasSize(5);
        for (int i = 1; i < projects.size(); i++) {
            assertThat(preferred.score(projects.get(i - 1))).isGreaterThan(preferred.score(projects.get(i)));
        }
        List<ApiKey> bKeys = ordered.stream().filter(k -> k.project().equals("b")).toList();
        assertThat(bKeys).containsExactly(group.keys().get(1), group.keys().get(2));
        // the same on every call (and every replica: nothing but the fingerprint and project names goes in)
        assertThat(new PreferredProjects(42).order(group.keys())).isEqualTo(ordered);
    }

    @Test
    void fingerprintsSpreadOverProjectsAndAMissingProjectMovesOnlyItsOwn() {
        List<ApiKey> all = group.keys();
        List<ApiKey> withoutC = all.stream().filter(k -> !k.project().equals("c")).toList();
        Map<String, Integer> firsts = new HashMap<>();
        for (long fingerprint = 1; fingerprint <= 5000; fingerprint++) {
            PreferredProjects preferred = new PreferredProjects(fingerprint * 0x9E3779B97F4A7C15L);
            String first = preferred.order(all).get(0).project();
            firsts.merge(first, 1, Integer::sum);
            String next = preferred.order(withoutC).get(0).project();
            if (!first.equals("c")) {
                assertThat(next).isEqualTo(first);
            }
            else {
                // c's requests go to their own second choice, not all to one neighbour
                assertThat(next).isEqualTo(preferred.order(all).stream().map(ApiKey::project)
                        .filter(p -> !p.equals("c")).findFirst().orElseThrow());
            }
        }
        assertThat(firsts).containsOnlyKeys("a", "b", "c", "d", "e");
        assertThat(firsts.values()).allSatisfy(count -> assertThat(count).isBetween(800, 1200));
    }

    @Test
    void theSelectorServesFromThePreferredProjectAndSpillsToTheNextWhenItCannotServe() {
        PreferredProjects preferred = new PreferredProjects(7);
        List<String> order = preferred.order(group.keys()).stream().map(ApiKey::project).distinct().toList();
        for (int i = 0; i < 6; i++) {
            assertThat(pick(preferred, Set.of()).project()).isEqualTo(order.get(0));
        }
        store.coolDown(new Cooldown(order.get(0), "m", NOW.plus(Duration.ofMinutes(1)), "minute quota"));
        for (int i = 0; i < 3; i++) {
            assertThat(pick(preferred, Set.of()).project()).isEqualTo(order.get(1));
        }
        assertThat(pick(preferred, Set.of(order.get(1))).project()).isEqualTo(order.get(2));
    }

    @Test
    void withoutAPreferenceTheSelectorRotatesAsBefore() {
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 6; i++) {
            seen.add(pick(null, Set.of()).project());
        }
        assertThat(seen).hasSizeGreaterThan(3);
    }

    private ApiKey pick(PreferredProjects preferred, Set<String> skippedProjects) {
        Selection selection = selector.select(group, "m", Set.of(), skippedProjects, NOW, 0, null, preferred).block();
        return ((Selection.Selected) selection).key();
    }

    private static KeyGroup group(String... projects) {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < projects.length; i++) {
            keys.add(new ApiKey("AIzaSyPreferTestKey" + i + "xxxxxxxxxxxxxxxxxxx", projects[i], null, "g"));
        }
        return new KeyGroup("g", keys, Set.of());
    }
}
