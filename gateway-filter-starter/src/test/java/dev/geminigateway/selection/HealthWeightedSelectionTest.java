package dev.geminigateway.selection;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.store.InMemoryKeyStateStore;

import static org.assertj.core.api.Assertions.assertThat;

/** The better of the cursor's key and a random one: slow, failing or busy keys get less traffic, equal keys even. */
class HealthWeightedSelectionTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final Instant NOW = Instant.parse("2026-05-14T12:00:00Z");

    private final List<ApiKey> keys = List.of(key(1), key(2), key(3), key(4), key(5), key(6), key(7), key(8));
    private final KeyGroup group = new KeyGroup("g", keys, Set.of());
    private final KeyScores scores = new KeyScores();
    private final Random seeded = new Random(42);
    private final KeySelector selector = new KeySelector(new InMemoryKeyStateStore(), null, KnownModels.catalogue(),
            scores, seeded::nextInt);

    @Test
    void equalKeysShareTrafficExactlyAsPlainRotationDoes() {
        Map<String, Integer> picks = pick(800);
        assertThat(picks.values()).allMatch(count -> count == 100);
    }

    @Test
    void aSlowKeyAndAFailingKeyGetFarLessThanTheirShare() {
        for (int i = 0; i < 5; i++) {
            answer(keys.get(0), OutcomeKind.SUCCESS, 4_000);
            answer(keys.get(1), OutcomeKind.SERVER_ERROR, 50);
            for (int k = 2; k < keys.size(); k++) {
                answer(keys.get(k), OutcomeKind.SUCCESS, 300);
            }
        }
        Map<String, Integer> picks = pick(8_000);
        // a fair share is 1,000: the cursor offers each key that often, and a healthier random challenger wins
        assertThat(picks.getOrDefault(keys.get(0).id(), 0)).isLessThan(400);
        assertThat(picks.getOrDefault(keys.get(1).id(), 0)).isLessThan(400);
        for (int k = 2; k < keys.size(); k++) {
            assertThat(picks.get(keys.get(k).id())).isGreaterThan(1_000);
        }
        assertThat(scores.score(keys.get(1).id(), NOW.toEpochMilli())).isLessThan(0.7);
        assertThat(scores.score(keys.get(2).id(), NOW.toEpochMilli())).isGreaterThan(0.8);
    }

    @Test
    void whatAKeyDidFadesSoItEarnsTrafficBack() {
        answer(keys.get(1), OutcomeKind.SERVER_ERROR, 50);
        long later = NOW.plusSeconds(300).toEpochMilli();
        assertThat(scores.score(keys.get(1).id(), NOW.toEpochMilli())).isLessThan(0.1);
        assertThat(scores.score(keys.get(1).id(), later)).isGreaterThan(0.99);
    }

    @Test
    void requestsInFlightLowerAScoreUntilTheyEnd() {
        String id = keys.get(3).id();
        for (int i = 0; i < 4; i++) {
            scores.started(id);
        }
        assertThat(scores.score(id, NOW.toEpochMilli())).isEqualTo(0.5);
        for (int i = 0; i < 4; i++) {
            scores.finished(id, null, 0, 0);
        }
        assertThat(scores.score(id, NOW.toEpochMilli())).isEqualTo(1.0);
    }

    @Test
    void aRemovedKeysScoreIsForgottenAndALateAnswerDoesNotBringItBack() {
        ApiKey removed = keys.get(5);
        answer(removed, OutcomeKind.SERVER_ERROR, 50);
        scores.started(removed.id());
        assertThat(scores.tracks(removed.id())).isTrue();

        scores.forget(removed.id());
        scores.finished(removed.id(), OutcomeKind.SUCCESS, 300, NOW.toEpochMilli());
        assertThat(scores.tracks(removed.id())).isFalse();

        List<ApiKey> rest = keys.stream().filter(key -> key != removed).toList();
        KeyGroup smaller = new KeyGroup("g", rest, Set.of());
        for (int i = 0; i < 50; i++) {
            Selection selection = selector.select(smaller, MODEL, Set.of(), Set.of(), NOW).block();
            assertThat(((Selection.Selected) selection).key()).isNotSameAs(removed);
        }
        assertThat(scores.tracks(removed.id())).isFalse();
        assertThat(rest).allMatch(key -> scores.tracks(key.id()));
    }

    @Test
    void aSlowKeyStaysOutOfTheWayInALargePool() {
        List<ApiKey> many = new java.util.ArrayList<>();
        for (int n = 0; n < 200; n++) {
            many.add(key(100 + n));
        }
        KeyGroup large = new KeyGroup("large", many, Set.of());
        for (int k = 0; k < many.size(); k++) {
            answer(many.get(k), k % 10 == 7 ? OutcomeKind.SUCCESS : k % 10 == 3 ? OutcomeKind.SERVER_ERROR
                    : OutcomeKind.SUCCESS, k % 10 == 7 ? 5_000 : 300);
        }
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            Selection selection = selector.select(large, MODEL, Set.of(), Set.of(), NOW).block();
            picks.merge(((Selection.Selected) selection).key().id(), 1, Integer::sum);
        }
        int slow = 0;
        int failing = 0;
        for (int k = 0; k < many.size(); k++) {
            int got = picks.getOrDefault(many.get(k).id(), 0);
            if (k % 10 == 7) {
                slow += got;
            }
            else if (k % 10 == 3) {
                failing += got;
            }
        }
        // a tenth of the keys each: 2,000 picks at an even share
        assertThat(slow).isLessThan(400);
        assertThat(failing).isLessThan(400);
    }

    private void answer(ApiKey key, OutcomeKind kind, long latencyMillis) {
        scores.started(key.id());
        scores.finished(key.id(), kind, latencyMillis, NOW.toEpochMilli());
    }

    private Map<String, Integer> pick(int times) {
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < times; i++) {
            Selection selection = selector.select(group, MODEL, Set.of(), Set.of(), NOW).block();
            picks.merge(((Selection.Selected) selection).key().id(), 1, Integer::sum);
        }
        return picks;
    }

    private static ApiKey key(int n) {
        return new ApiKey("AIzaSyWeightedKey" + n + "xxxxxxxxxxxxxxxxxxxxxx", "p" + n, null, "g");
    }
}
