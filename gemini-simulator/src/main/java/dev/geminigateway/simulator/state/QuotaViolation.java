package dev.geminigateway.simulator.state;

import java.time.Duration;

/** One exceeded limit and how long, in simulated time, until the request would fit again. */
public record QuotaViolation(QuotaMetric metric, long limit, Duration simulatedDelay) {}
