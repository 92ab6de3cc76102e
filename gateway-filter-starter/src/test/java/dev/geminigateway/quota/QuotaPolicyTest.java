package dev.geminigateway.quota;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class QuotaPolicyTest {

    private final QuotaPolicy policy = new QuotaPolicy(Map.of("free", Map.of(
            "gemini-2.5-flash", QuotaLimits.of(10L, 250_000L, 250L),
            QuotaPolicy.ANY_MODEL, QuotaLimits.of(5L, null, 100L))));

    @Test
    void configuredLimitsByModelWithADefault() {
        assertThat(policy.limits("free", "pa", "gemini-2.5-flash")).isEqualTo(QuotaLimits.of(10L, 250_000L, 250L));
        assertThat(policy.limits("free", "pa", "gemini-2.0-flash")).isEqualTo(QuotaLimits.of(5L, null, 100L));
        assertThat(policy.limits("other", "px", "gemini-2.5-flash")).isEqualTo(QuotaLimits.UNKNOWN);
        assertThat(policy.anyConfigured()).isTrue();
        assertThat(QuotaPolicy.none().anyConfigured()).isFalse();
    }

    @Test
    void aLearnedLimitReplacesALargerConfiguredOneForThatProjectAndModelOnly() {
        assertThat(policy.learn("pa", "gemini-2.5-flash", QuotaMetric.RPD, 20)).isTrue();
        assertThat(policy.limits("free", "pa", "gemini-2.5-flash")).isEqualTo(QuotaLimits.of(10L, 250_000L, 20L));
        assertThat(policy.limits("free", "pb", "gemini-2.5-flash").rpd()).isEqualTo(250);
        assertThat(policy.limits("free", "pa", "gemini-2.0-flash").rpd()).isEqualTo(100);
        // learned where nothing was configured
        policy.learn("px", "gemini-2.5-pro", QuotaMetric.TPM, 125_000);
        assertThat(policy.limits("other", "px", "gemini-2.5-pro")).isEqualTo(QuotaLimits.of(null, 125_000L, null));
    }

    @Test
    void aLearnedLimitNeverRaisesAConfiguredOneButALaterLearnedValueReplacesAnEarlier() {
        policy.learn("pa", "gemini-2.5-flash", QuotaMetric.RPM, 1000);
        assertThat(policy.limits("free", "pa", "gemini-2.5-flash").rpm()).isEqualTo(10);
        policy.learn("pa", "gemini-2.5-flash", QuotaMetric.RPD, 20);
        policy.learn("pa", "gemini-2.5-flash", QuotaMetric.RPD, 50);
        assertThat(policy.learned("pa", "gemini-2.5-flash")).isEqualTo(QuotaLimits.of(1000L, null, 50L));
        assertThat(policy.learn("pa", "gemini-2.5-flash", QuotaMetric.RPD, 50)).isFalse();
    }

    @Test
    void quotaValueZeroIsNotLearned() {
        assertThat(policy.learn("pa", "gemini-2.5-pro", QuotaMetric.RPM, 0)).isFalse();
        assertThat(policy.learned("pa", "gemini-2.5-pro")).isEqualTo(QuotaLimits.UNKNOWN);
    }

    @Test
    void quotaIdsNameTheirLimit() {
        assertThat(QuotaMetric.fromQuotaId("GenerateRequestsPerMinutePerProjectPerModel-FreeTier")).contains(QuotaMetric.RPM);
        assertThat(QuotaMetric.fromQuotaId("GenerateRequestsPerDayPerProjectPerModel-FreeTier")).contains(QuotaMetric.RPD);
        assertThat(QuotaMetric.fromQuotaId("GenerateContentInputTokensPerModelPerMinute-FreeTier")).contains(QuotaMetric.TPM);
        assertThat(QuotaMetric.fromQuotaId("GenerateRequestsPerDayPerProjectPerModel")).contains(QuotaMetric.RPD);
        assertThat(QuotaMetric.fromQuotaId("")).isEmpty();
        assertThat(QuotaMetric.fromQuotaId(null)).isEmpty();
    }

    @Test
    void aLearnedLimitLastsUntilPacificMidnightSoATierUpgradeIsNoticed() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-27T20:00:00Z"));
        QuotaPolicy learning = new QuotaPolicy(Map.of(), clock);
        learning.learn("pa", "gemini-2.5-flash", QuotaMetric.RPD, 20);
        assertThat(learning.limits("g", "pa", "gemini-2.5-flash").rpd()).isEqualTo(20);
        clock.set(java.time.Instant.parse("2026-11-28T07:59:59Z"));
        assertThat(learning.limits("g", "pa", "gemini-2.5-flash").rpd()).isEqualTo(20);
        clock.set(java.time.Instant.parse("2026-11-28T08:00:00Z"));
        assertThat(learning.limits("g", "pa", "gemini-2.5-flash")).isEqualTo(QuotaLimits.UNKNOWN);
    }
}
