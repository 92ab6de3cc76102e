package dev.geminigateway.rotation;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter, so that retries from many requests do not arrive in step. */
public record Backoff(Duration base, Duration max) {

    public Duration delay(int retry) {
        long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(retry, 16));
        return Duration.ofMillis(cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1));
    }
}
