package dev.geminigateway.quota;

/**
 * Limits of one (project, model). {@link #NONE} ({@code Long.MAX_VALUE}) means "no limit known": the gateway does
 * not count against it.
 *
 * @param rpm requests per minute
 * @param tpm input tokens per minute
 * @param rpd requests per day (Pacific)
 */
public record QuotaLimits(long rpm, long tpm, long rpd) {

    public static final long NONE = Long.MAX_VALUE;

    public static final QuotaLimits UNKNOWN = new QuotaLimits(NONE, NONE, NONE);

    public QuotaLimits {
        if (rpm < 0 || tpm < 0 || rpd < 0) {
            throw new IllegalArgumentException("quota limits must be >= 0");
        }
    }

    public static QuotaLimits of(Long rpm, Long tpm, Long rpd) {
        return new QuotaLimits(orNone(rpm), orNone(tpm), orNone(rpd));
    }

    public long get(QuotaMetric metric) {
        return switch (metric) {
            case RPM -> rpm;
            case TPM -> tpm;
            case RPD -> rpd;
        };
    }

    public QuotaLimits with(QuotaMetric metric, long value) {
        return switch (metric) {
            case RPM -> new QuotaLimits(value, tpm, rpd);
            case TPM -> new QuotaLimits(rpm, value, rpd);
            case RPD -> new QuotaLimits(rpm, tpm, value);
        };
    }

    /** The stricter of the two, limit by limit. */
    public QuotaLimits min(QuotaLimits other) {
        return new QuotaLimits(Math.min(rpm, other.rpm), Math.min(tpm, other.tpm), Math.min(rpd, other.rpd));
    }

    /** These limits, with {@code fallback}'s for those this one does not know. */
    public QuotaLimits orElse(QuotaLimits fallback) {
        return new QuotaLimits(rpm != NONE ? rpm : fallback.rpm, tpm != NONE ? tpm : fallback.tpm,
                rpd != NONE ? rpd : fallback.rpd);
    }

    public boolean minuteLimited() {
        return rpm != NONE || tpm != NONE;
    }

    public boolean any() {
        return minuteLimited() || rpd != NONE;
    }

    private static long orNone(Long value) {
        return value == null ? NONE : value;
    }
}
