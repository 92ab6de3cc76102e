package dev.geminigateway.client;

/** Requests and the input and output tokens Gemini reported, counted for one client in one budget period. */
public record BudgetCounts(long requests, long inputTokens, long outputTokens) {

    public static final BudgetCounts ZERO = new BudgetCounts(0, 0, 0);

    BudgetCounts plus(BudgetCounts other) {
        return new BudgetCounts(requests + other.requests, inputTokens + other.inputTokens,
                outputTokens + other.outputTokens);
    }

    /** The larger of each count: what a replica knows after seeing another's totals. */
    BudgetCounts max(BudgetCounts other) {
        return new BudgetCounts(Math.max(requests, other.requests), Math.max(inputTokens, other.inputTokens),
                Math.max(outputTokens, other.outputTokens));
    }
}
