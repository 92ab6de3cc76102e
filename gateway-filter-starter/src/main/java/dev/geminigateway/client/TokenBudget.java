package dev.geminigateway.client;

/**
 * What one client token may spend per calendar day and per calendar month of the budget time zone (ARCHITECTURE.md
 * §7): requests, and the input and output tokens Gemini reports. 0 means no budget for that measure.
 */
public record TokenBudget(long requestsPerDay, long inputTokensPerDay, long outputTokensPerDay, long requestsPerMonth,
        long inputTokensPerMonth, long outputTokensPerMonth) {

    /** A budget is counted exactly (in the shared store) within its last 1/50. */
    static final long LOCAL_SHARE_DIVISOR = 50;

    /** No budget at all. */
    public static final TokenBudget NONE = new TokenBudget(0, 0, 0, 0, 0, 0);

    public TokenBudget {
        if (requestsPerDay < 0 || inputTokensPerDay < 0 || outputTokensPerDay < 0 || requestsPerMonth < 0
                || inputTokensPerMonth < 0 || outputTokensPerMonth < 0) {
            throw new IllegalArgumentException("A budget cannot be negative (0 means none)");
        }
    }

    /** From nullable configuration values (null: none). */
    public static TokenBudget of(Long requestsPerDay, Long inputTokensPerDay, Long outputTokensPerDay,
            Long requestsPerMonth, Long inputTokensPerMonth, Long outputTokensPerMonth) {
        return new TokenBudget(zero(requestsPerDay), zero(inputTokensPerDay), zero(outputTokensPerDay),
                zero(requestsPerMonth), zero(inputTokensPerMonth), zero(outputTokensPerMonth));
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** The first measure this budget has used up, given what was used; null while every one has room. */
    String exhausted(BudgetTotals used) {
        if (over(used.day().requests(), requestsPerDay)) {
            return requestsPerDay + " requests per day";
        }
        if (over(used.day().inputTokens(), inputTokensPerDay)) {
            return inputTokensPerDay + " input tokens per day";
        }
        if (over(used.day().outputTokens(), outputTokensPerDay)) {
            return outputTokensPerDay + " output tokens per day";
        }
        if (over(used.month().requests(), requestsPerMonth)) {
            return requestsPerMonth + " requests per month";
        }
        if (over(used.month().inputTokens(), inputTokensPerMonth)) {
            return inputTokensPerMonth + " input tokens per month";
        }
        if (over(used.month().outputTokens(), outputTokensPerMonth)) {
            return outputTokensPerMonth + " output tokens per month";
        }
        return null;
    }

    /**
     * True when every measure with a budget of at least {@link #LOCAL_SHARE_DIVISOR} has more than that share of it
     * left after {@code used}, and no smaller budget is set: far enough from every limit for a replica to count a
     * request on its own and tell the shared counters shortly after (ARCHITECTURE.md §6.5).
     */
    boolean farFromLimits(BudgetTotals used) {
        return far(used.day().requests(), requestsPerDay) && far(used.day().inputTokens(), inputTokensPerDay)
                && far(used.day().outputTokens(), outputTokensPerDay) && far(used.month().requests(), requestsPerMonth)
                && far(used.month().inputTokens(), inputTokensPerMonth)
                && far(used.month().outputTokens(), outputTokensPerMonth);
    }

    private static boolean far(long used, long limit) {
        return limit == 0 || (limit / LOCAL_SHARE_DIVISOR >= 1 && limit - used > limit / LOCAL_SHARE_DIVISOR);
    }

    /** True when the exhausted measure is a monthly one (it resets at the month's end, not the day's). */
    static boolean monthly(String measure) {
        return measure.endsWith("per month");
    }

    /** Used up: at or past the limit (a request counted before the check reaches it only by going past). */
    private static boolean over(long used, long limit) {
        return limit > 0 && used >= limit;
    }

    private static long zero(Long value) {
        return value == null ? 0 : value;
    }
}
