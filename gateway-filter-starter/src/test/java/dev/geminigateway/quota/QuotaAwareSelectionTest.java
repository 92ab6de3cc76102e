package dev.geminigateway.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.selection.KeySelector;
import dev.geminigateway.selection.Selection;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** The selector offers only keys whose project has headroom, reserves on selection, and says when one frees up. */
class QuotaAwareSelectionTest {

    private static final String M = "gemini-2.5-flash";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
    private final InMemoryKeyStateStore store = new InMemoryKeyStateStore();
    private final QuotaPolicy policy = new QuotaPolicy(Map.of("g", Map.of(M, QuotaLimits.of(2L, 1000L, null))));
    private final LocalQuotaLedgers ledgers = new LocalQuotaLedgers(clock, Duration.ZERO, 100);
    private final QuotaScheduler scheduler = new QuotaScheduler(policy, ledgers, QuotaMetrics.none(), clock, true);
    private final KeySelector selector = new KeySelector(store, scheduler);
    /** Keys 0 and 1 share project a, key 2 is project b. */
    private final KeyGroup group = group("a", "a", "b");

    private static KeyGroup group(String... projects) {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < projects.length; i++) {
            keys.add(new ApiKey("AIzaSyQuotaTestKey" + i + "xxxxxxxxxxxxxxxxxxx", projects[i], null, "g"));
        }
        return new KeyGroup("g", keys, Set.of());
    }

    private Selection select(long tokens) {
        return selector.select(group, M, Set.of(), Set.of(), clock.instant(), tokens).block();
    }

    @Test
    void everyPickReservesInItsProjectsLedgerAndFullProjectsAreSkipped() {
        List<String> projects = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Selection.Selected selected = (Selection.Selected) select(10);
            assertThat(selected.reservation()).isNotNull();
            assertThat(selected.reservation().project()).isEqualTo(selected.key().project());
            projects.add(selected.key().project());
            clock.advance(Duration.ofSeconds(1));
        }
        // two per project per minute, whichever key of the project was used
        assertThat(projects).containsOnly("a", "b").filteredOn("a"::equals).hasSize(2);
        Selection none = select(10);
        assertThat(none).isInstanceOf(Selection.Unavailable.class);
        Selection.Unavailable unavailable = (Selection.Unavailable) none;
        assertThat(unavailable.quotaLimited()).isTrue();
        assertThat(unavailable.quotaLimit()).isEqualTo(QuotaMetric.RPM);
        // the first admission (at 0 s) leaves at 60 s; it is now 4 s
        assertThat(unavailable.earliest()).isEqualTo(Instant.parse("2026-11-27T12:01:00Z"));
        clock.set(unavailable.earliest());
        assertThat(select(10)).isInstanceOf(Selection.Selected.class);
    }

    @Test
    void theRequestsTokensDecideWhichProjectFits() {
        Selection.Selected first = (Selection.Selected) select(900);
        Selection.Selected second = (Selection.Selected) select(900);
        assertThat(second.key().project()).isNotEqualTo(first.key().project());
        Selection.Unavailable none = (Selection.Unavailable) select(200);
        assertThat(none.quotaLimit()).isEqualTo(QuotaMetric.TPM);
        assertThat(select(100)).isInstanceOf(Selection.Selected.class);
    }

    @Test
    void aRequestLargerThanEveryLimitIsUnavailableForGood() {
        Selection.Unavailable none = (Selection.Unavailable) select(5000);
        assertThat(none.earliest()).isNull();
        assertThat(none.quotaLimit()).isEqualTo(QuotaMetric.TPM);
        assertThat(none.allQuarantined()).isFalse();
    }

    @Test
    void aCoolingProjectFreesUpWhenBothItsCooldownAndItsLedgerAllow() {
        Instant start = clock.instant();
        for (int i = 0; i < 4; i++) {
            select(10);
        }
        clock.advance(Duration.ofSeconds(30));
        // a: cooling until 50 s, ledger full until 60 s; b: ledger full until 60 s
        store.coolDown(new Cooldown("a", M, start.plusSeconds(50), "test"));
        assertThat(((Selection.Unavailable) select(10)).earliest()).isEqualTo(start.plusSeconds(60));
        // b cooling until 100 s: a (max of 50 and 60) frees first
        store.coolDown(new Cooldown("b", M, start.plusSeconds(100), "test"));
        assertThat(((Selection.Unavailable) select(10)).earliest()).isEqualTo(start.plusSeconds(60));
        // a cooling until 80 s too: 80 s
        store.coolDown(new Cooldown("a", M, start.plusSeconds(80), "test"));
        assertThat(((Selection.Unavailable) select(10)).earliest()).isEqualTo(start.plusSeconds(80));
    }

    @Test
    void withoutLimitsSelectionIsPlainRoundRobin() {
        KeySelector plain = new KeySelector(store, new QuotaScheduler(QuotaPolicy.none(), ledgers, QuotaMetrics.none(),
                clock, true));
        for (int i = 0; i < 100; i++) {
            Selection selection = plain.select(group, M, Set.of(), Set.of(), clock.instant(), 1_000_000).block();
            assertThat(selection).isInstanceOf(Selection.Selected.class);
            assertThat(((Selection.Selected) selection).reservation().tracked()).isFalse();
        }
    }
}
