package dev.geminigateway.quota;

/**
 * What a project may still send for a model now; {@link QuotaLimits#NONE} where no limit is known.
 *
 * @param requestsThisMinute requests before the RPM limit
 * @param tokensThisMinute input tokens before the TPM limit
 * @param requestsToday requests before the RPD limit
 */
public record Headroom(long requestsThisMinute, long tokensThisMinute, long requestsToday) {

    public long get(QuotaMetric metric) {
        return switch (metric) {
            case RPM -> requestsThisMinute;
            case TPM -> tokensThisMinute;
            case RPD -> requestsToday;
        };
    }
}
