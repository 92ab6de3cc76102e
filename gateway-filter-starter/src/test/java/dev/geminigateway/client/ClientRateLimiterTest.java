package dev.geminigateway.client;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.filter.ratelimit.RateLimiter.Response;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class ClientRateLimiterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final ClientRateLimiter limiter = new ClientRateLimiter(new ClientRateLimiter.Config().setRequestsPerMinute(60),
            1000, clock, null);

    @Test
    void perMinuteLimitRejectsWithHeadersAndRefills() {
        ClientRateLimiter.Config limits = new ClientRateLimiter.Config().setRequestsPerMinute(2);

        Response first = limiter.consume("a", limits).block();
        Response second = limiter.consume("a", limits).block();
        Response third = limiter.consume("a", limits).block();

        assertThat(first.isAllowed()).isTrue();
        assertThat(first.getHeaders()).containsEntry("X-RateLimit-Limit", "2").containsEntry("X-RateLimit-Remaining", "1")
                .doesNotContainKey("Retry-After");
        assertThat(second.getHeaders()).containsEntry("X-RateLimit-Remaining", "0");
        assertThat(third.isAllowed()).isFalse();
        assertThat(third.getHeaders()).containsEntry("Retry-After", "30").containsEntry("X-RateLimit-Remaining", "0");
        assertThat(limiter.consume("b", limits).block().isAllowed()).as("another client has its own bucket").isTrue();

        clock.advance(Duration.ofSeconds(30));
        assertThat(limiter.consume("a", limits).block().isAllowed()).isTrue();
    }

    @Test
    void perDayLimitHoldsAfterTheMinuteRefills() {
        ClientRateLimiter.Config limits = new ClientRateLimiter.Config().setRequestsPerMinute(10).setRequestsPerDay(3);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.consume("c", limits).block().isAllowed()).isTrue();
        }
        clock.advance(Duration.ofMinutes(2));

        Response rejected = limiter.consume("c", limits).block();

        assertThat(rejected.isAllowed()).isFalse();
        // one request comes back every 8 hours of a 3-per-day budget; 2 minutes have passed
        assertThat(Long.parseLong(rejected.getHeaders().get("Retry-After"))).isEqualTo(Duration.ofHours(8).minusMinutes(2).toSeconds());
        assertThat(rejected.getHeaders()).containsEntry("X-RateLimit-Limit", "10");
    }

    @Test
    void routeWithoutOwnLimitsUsesTheDefaults() {
        for (int i = 0; i < 60; i++) {
            assertThat(limiter.isAllowed("route-x", "d").block().isAllowed()).isTrue();
        }
        assertThat(limiter.isAllowed("route-x", "d").block().isAllowed()).isFalse();
        assertThat(limiter.isAllowed("route-y", "d").block().isAllowed()).as("buckets are per route").isTrue();
    }

    @Test
    void routeLimitsLeftUnsetComeFromTheDefaults() {
        ClientRateLimiter.Config merged = new ClientRateLimiter.Config().setRequestsPerDay(500)
                .orElse(new ClientRateLimiter.Config().setRequestsPerMinute(60).setRequestsPerDay(1000));

        assertThat(merged.getRequestsPerMinute()).isEqualTo(60);
        assertThat(merged.getRequestsPerDay()).isEqualTo(500);
    }

    @Test
    void noLimitMeansAllowedWithoutBuckets() {
        Response response = limiter.consume("e", new ClientRateLimiter.Config().setRequestsPerMinute(0)).block();

        assertThat(response.isAllowed()).isTrue();
        assertThat(limiter.trackedClients()).isZero();
    }

    @Test
    void bucketsStayWithinTheCap() {
        ClientRateLimiter small = new ClientRateLimiter(new ClientRateLimiter.Config().setRequestsPerMinute(5), 50, clock, null);
        for (int i = 0; i < 5000; i++) {
            small.consume("client-" + i, small.getDefaults()).block();
        }
        assertThat(small.trackedClients()).isLessThanOrEqualTo(50);
    }
}
