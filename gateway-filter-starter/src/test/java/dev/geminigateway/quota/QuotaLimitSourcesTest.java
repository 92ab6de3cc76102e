package dev.geminigateway.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** Tier presets fill what a group does not declare; declared limits win; learned ones lower either until midnight. */
class QuotaLimitSourcesTest {

    private static final String FLASH = "gemini-2.5-flash";
    private static final String PRO = "gemini-2.5-pro";

    // 2026-12-03 10:00 in Los Angeles
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T18:00:00Z"));
    private final TierPresets presets = TierPresets.published();
    private final QuotaLimitSources sources = new QuotaLimitSources(
            Map.of("free", Map.of(FLASH, QuotaLimits.of(3L, null, null)),
                    "paid", Map.of(QuotaPolicy.ANY_MODEL, QuotaLimits.of(null, null, 7L)),
                    "plain", Map.of()),
            Map.of("free", GeminiTier.FREE, "paid", GeminiTier.TIER1), presets);
    private final QuotaPolicy policy = new QuotaPolicy(sources.configured(), clock);

    @Test
    void theTiersPresetFillsEveryModelTheGroupDoesNotDeclare() {
        assertThat(policy.limits("free", "p", PRO)).isEqualTo(presets.limits(GeminiTier.FREE, PRO));
        assertThat(policy.limits("paid", "p", PRO).rpm()).isEqualTo(presets.limits(GeminiTier.TIER1, PRO).rpm());
        assertThat(policy.limits("plain", "p", PRO)).isEqualTo(QuotaLimits.UNKNOWN);
        assertThat(sources.inForce("free", "p", PRO, policy).get(QuotaMetric.RPM))
                .isEqualTo(new QuotaLimitSources.InForce(5L, LimitSource.TIER_PRESET));
        assertThat(policy.anyConfigured()).isTrue();
    }

    @Test
    void declaredValuesWinLimitByLimitAndAStarDeclarationCountsAsDeclared() {
        QuotaLimits free = presets.limits(GeminiTier.FREE, FLASH);
        assertThat(policy.limits("free", "p", FLASH)).isEqualTo(new QuotaLimits(3, free.tpm(), free.rpd()));
        Map<QuotaMetric, QuotaLimitSources.InForce> inForce = sources.inForce("free", "p", FLASH, policy);
        assertThat(inForce.get(QuotaMetric.RPM)).isEqualTo(new QuotaLimitSources.InForce(3L, LimitSource.DECLARED));
        assertThat(inForce.get(QuotaMetric.TPM)).isEqualTo(new QuotaLimitSources.InForce(free.tpm(), LimitSource.TIER_PRESET));
        // "*" declares a day limit for every model of group paid; the tier fills the rest
        assertThat(policy.limits("paid", "p", FLASH).rpd()).isEqualTo(7);
        assertThat(policy.limits("paid", "p", FLASH).rpm()).isEqualTo(presets.limits(GeminiTier.TIER1, FLASH).rpm());
        assertThat(sources.inForce("paid", "p", FLASH, policy).get(QuotaMetric.RPD).source()).isEqualTo(LimitSource.DECLARED);
    }

    @Test
    void aLearnedLimitLowersPresetAndDeclaredOnesUntilPacificMidnightButNeverRaisesThem() {
        policy.learn("p", FLASH, QuotaMetric.RPD, 12);
        policy.learn("p", FLASH, QuotaMetric.RPM, 2);
        policy.learn("p", PRO, QuotaMetric.RPM, 500);

        Map<QuotaMetric, QuotaLimitSources.InForce> flash = sources.inForce("free", "p", FLASH, policy);
        assertThat(flash.get(QuotaMetric.RPD)).isEqualTo(new QuotaLimitSources.InForce(12L, LimitSource.LEARNED));
        assertThat(flash.get(QuotaMetric.RPM)).isEqualTo(new QuotaLimitSources.InForce(2L, LimitSource.LEARNED));
        assertThat(sources.inForce("free", "p", PRO, policy).get(QuotaMetric.RPM))
                .isEqualTo(new QuotaLimitSources.InForce(5L, LimitSource.TIER_PRESET));
        assertThat(sources.inForce("free", "other", FLASH, policy).get(QuotaMetric.RPD).source())
                .isEqualTo(LimitSource.TIER_PRESET);
        assertThat(policy.learnedModels("p")).containsExactlyInAnyOrder(FLASH, PRO);

        clock.advance(Duration.ofHours(14)); // past midnight in Los Angeles
        assertThat(policy.limits("free", "p", FLASH)).isEqualTo(new QuotaLimits(3, 250_000, 20));
        assertThat(policy.learnedModels("p")).isEmpty();
    }

    @Test
    void modelsListedAreTheDeclaredOnesAndTheTiersPresets() {
        assertThat(sources.models("free")).containsAll(presets.models(GeminiTier.FREE).keySet()).contains(FLASH);
        assertThat(sources.models("paid")).contains(QuotaPolicy.ANY_MODEL, PRO);
        assertThat(sources.models("plain")).isEmpty();
    }
}
