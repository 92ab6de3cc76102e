package dev.geminigateway.attempt;

import java.time.Duration;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.outcome.UpstreamOutcome;

/** One upstream attempt of one request: which key, for which model, what came back, how long it took. */
public record AttemptRecord(String group, String model, ApiKey key, int attempt, UpstreamOutcome outcome,
        Duration latency) {
}
