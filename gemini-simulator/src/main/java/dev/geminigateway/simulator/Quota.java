package dev.geminigateway.simulator;

/**
 * Limits of one (project, model) pair: requests per minute, input tokens per minute, requests per day.
 * A limit of 0 means "model not available on this tier": Gemini answers 429 with {@code quotaValue "0"}.
 */
public record Quota(int rpm, long tpm, int rpd) {

    public Quota {
        if (rpm < 0 || tpm < 0 || rpd < 0) {
            throw new IllegalArgumentException("quota limits must be >= 0");
        }
    }

    public static Quota unlimited() {
        return new Quota(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** Every limit 0: each call answers 429 with quotaValue "0" (wire 2.6). */
    public static Quota unavailable() {
        return new Quota(0, 0, 0);
    }

    public static Quota of(int rpm, long tpm, int rpd) {
        return new Quota(rpm, tpm, rpd);
    }

    public boolean isUnavailable() {
        return rpm == 0 || tpm == 0 || rpd == 0;
    }
}
