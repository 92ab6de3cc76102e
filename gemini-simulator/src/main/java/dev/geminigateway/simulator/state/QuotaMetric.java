package dev.geminigateway.simulator.state;

/** The three limits Gemini enforces per project and model (wire 3). */
public enum QuotaMetric {
    REQUESTS_PER_MINUTE,
    INPUT_TOKENS_PER_MINUTE,
    REQUESTS_PER_DAY
}
