package dev.geminigateway.quota;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TierPresetsTest {

    @Test
    void theShippedTableHasEveryTierDatedWithItsSourceAndHowToUpdateIt() throws IOException {
        TierPresets presets = TierPresets.published();

        for (GeminiTier tier : GeminiTier.values()) {
            assertThat(presets.models(tier)).as(tier.id()).containsKeys("gemini-2.5-pro", "gemini-2.5-flash",
                    "gemini-2.5-flash-lite", "gemini-2.0-flash");
        }
        assertThat(presets.limits(GeminiTier.TIER1, "gemini-2.5-flash")).isEqualTo(QuotaLimits.of(1000L, 1_000_000L, 10_000L));
        assertThat(presets.limits(GeminiTier.FREE, "gemini-2.5-pro")).isEqualTo(QuotaLimits.of(5L, 250_000L, 100L));
        // no published day limit: not enforced
        assertThat(presets.limits(GeminiTier.TIER3, "gemini-2.5-flash").rpd()).isEqualTo(QuotaLimits.NONE);
        assertThat(presets.limits(GeminiTier.TIER2, "some-future-model")).isEqualTo(QuotaLimits.UNKNOWN);
        assertThat(presets.asOf()).isAfter(LocalDate.of(2025, 1, 1));

        try (InputStream in = TierPresets.class.getResourceAsStream(TierPresets.RESOURCE)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text).contains("https://ai.google.dev/gemini-api/docs/rate-limits", "# as-of:", "# To update:");
        }
    }

    @Test
    void higherTiersNeverHaveLowerLimitsThanLowerOnesWhereBothPublishOne() {
        TierPresets presets = TierPresets.published();
        GeminiTier[] tiers = GeminiTier.values();
        for (int i = 1; i < tiers.length; i++) {
            for (var entry : presets.models(tiers[i - 1]).entrySet()) {
                QuotaLimits higher = presets.limits(tiers[i], entry.getKey());
                for (QuotaMetric metric : QuotaMetric.values()) {
                    if (entry.getValue().get(metric) == QuotaLimits.NONE || higher.get(metric) == QuotaLimits.NONE) {
                        continue; // Google's tables leave some day limits out, lower tiers included
                    }
                    assertThat(higher.get(metric)).as("%s %s %s", tiers[i].id(), entry.getKey(), metric.tag())
                            .isGreaterThanOrEqualTo(entry.getValue().get(metric));
                }
            }
        }
    }

    @Test
    void aTableWithoutItsDateOrWithAMalformedRowIsRefused() {
        assertThatThrownBy(() -> TierPresets.parse(new BufferedReader(new StringReader(
                "tier,model,rpm,tpm,rpd\nfree,m,1,2,3\n")))).hasMessageContaining("as-of");
        assertThatThrownBy(() -> TierPresets.parse(new BufferedReader(new StringReader(
                "# as-of: 2026-12-03\ntier,model,rpm,tpm,rpd\nfree,m,1,2\n")))).hasMessageContaining("free,m,1,2");
    }
}
