package dev.geminigateway.quota;

import java.util.Locale;
import java.util.Optional;

/** The three limits Gemini counts per project and model (ARCHITECTURE.md §8.3). */
public enum QuotaMetric {

    /** Requests per sliding minute. */
    RPM("rpm"),
    /** Input tokens per sliding minute. */
    TPM("tpm"),
    /** Requests per day; the day ends at midnight America/Los_Angeles. */
    RPD("rpd");

    private final String tag;

    QuotaMetric(String tag) {
        this.tag = tag;
    }

    /** Short lower-case name for metrics and messages. */
    public String tag() {
        return tag;
    }

    /**
     * The limit a 429's {@code QuotaFailure.quotaId} names, e.g. {@code GenerateRequestsPerDayPerProjectPerModel-FreeTier}
     * (RPD) or {@code GenerateContentInputTokensPerModelPerMinute-FreeTier} (TPM). Paid-tier ids are expected to be the
     * same names without the suffix or with {@code -PaidTier2}/{@code -PaidTier3} (unverified, ARCHITECTURE.md §8.2); all
     * match, as do the {@code EmbedContent…} ids of embedding models.
     */
    public static Optional<QuotaMetric> fromQuotaId(String quotaId) {
        if (quotaId == null || quotaId.isBlank()) {
            return Optional.empty();
        }
        String id = quotaId.toLowerCase(Locale.ROOT);
        if (id.contains("token") && id.contains("perday")) {
            return Optional.empty(); // tokens per day: a limit the ledgers do not keep, and not a request count
        }
        if (id.contains("perday")) {
            return Optional.of(RPD);
        }
        if (id.contains("token")) {
            return Optional.of(TPM);
        }
        if (id.contains("perminute") || id.contains("requests")) {
            return Optional.of(RPM);
        }
        return Optional.empty();
    }
}
