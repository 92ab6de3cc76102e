package dev.geminigateway.rotation;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class RotationGuardsTest {

    @Test
    void retryBudgetAllowsTheFloorThenARatioOfTraffic() {
        RetryBudget budget = new RetryBudget(0.2, 2);
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(budget.tryWithdraw()).isFalse();
        for (int i = 0; i < 10; i++) {
            budget.onRequest();
        }
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(budget.tryWithdraw()).isTrue();
        assertThat(budget.tryWithdraw()).isFalse();
    }

    @Test
    void poolThrottleOpensAfterSeveralCapacity429sWithinTheWindowAndCloses() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
        PoolThrottle throttle = new PoolThrottle(3, Duration.ofSeconds(10), Duration.ofSeconds(5), clock);
        throttle.onCapacityLimited("g");
        clock.advance(Duration.ofSeconds(11));
        throttle.onCapacityLimited("g");
        throttle.onCapacityLimited("g");
        assertThat(throttle.throttledUntil("g")).isNull();
        throttle.onCapacityLimited("g");
        assertThat(throttle.throttledUntil("g")).isEqualTo(clock.instant().plusSeconds(5));
        assertThat(throttle.throttledUntil("other")).isNull();
        clock.advance(Duration.ofSeconds(5));
        assertThat(throttle.throttledUntil("g")).isNull();
    }

    @Test
    void backoffIsJitteredAndCapped() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofMillis(400));
        for (int retry = 0; retry < 10; retry++) {
            long cap = Math.min(400, 50L << retry);
            assertThat(backoff.delay(retry).toMillis()).isBetween(0L, cap);
        }
    }
}
