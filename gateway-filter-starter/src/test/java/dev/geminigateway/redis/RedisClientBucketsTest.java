package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

import dev.geminigateway.client.ClientRateLimiter;

import org.springframework.cloud.gateway.filter.ratelimit.RateLimiter.Response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Client buckets shared through a real redis-server this test starts on a free port, and the fallback without it. */
class RedisClientBucketsTest extends StandaloneRedisTest {

    private static ClientRateLimiter replica(RedisClientBuckets buckets) {
        return new ClientRateLimiter(new ClientRateLimiter.Config().setRequestsPerMinute(3), 100, Clock.systemUTC(), null, buckets);
    }

    private static RedisClientBuckets sharedBuckets() {
        return new RedisClientBuckets(StandaloneRedisTest::client, Duration.ofSeconds(2), ClientRateLimiter.timeMeter(Clock.systemUTC()));
    }

    @Test
    void replicasShareOneBudget() {
        RedisClientBuckets bucketsA = sharedBuckets();
        ClientRateLimiter a = replica(bucketsA);
        ClientRateLimiter b = replica(sharedBuckets());
        ClientRateLimiter.Config limits = a.getDefaults();

        assertThat(a.consume("route|198.51.100.1", limits).block().isAllowed()).isTrue();
        assertThat(b.consume("route|198.51.100.1", limits).block().getHeaders()).containsEntry("X-RateLimit-Remaining", "1");
        assertThat(a.consume("route|198.51.100.1", limits).block().isAllowed()).isTrue();
        Response rejected = b.consume("route|198.51.100.1", limits).block();

        assertThat(rejected.isAllowed()).isFalse();
        assertThat(rejected.getHeaders()).containsKey("Retry-After").containsEntry("X-RateLimit-Remaining", "0");
        assertThat(bucketsA.isDegraded()).isFalse();
        assertThat(a.trackedClients()).as("nothing counted locally while Redis answers").isZero();
    }

    @Test
    void withoutRedisLimitsAreCountedLocallyInsteadOfFailingRequests() {
        int nobodyListens = RedisServerProcess.closedPort();
        RedisClient unreachable = RedisClient.create("redis://127.0.0.1:" + nobodyListens);
        try {
            RedisClientBuckets buckets = new RedisClientBuckets(() -> unreachable, Duration.ofMillis(500),
                    ClientRateLimiter.timeMeter(Clock.systemUTC()));
            ClientRateLimiter limiter = replica(buckets);
            ClientRateLimiter.Config limits = new ClientRateLimiter.Config().setRequestsPerMinute(1);

            assertThat(limiter.consume("route|198.51.100.2", limits).block(Duration.ofSeconds(5)).isAllowed()).isTrue();
            assertThat(buckets.isDegraded()).isTrue();
            assertThat(limiter.consume("route|198.51.100.2", limits).block(Duration.ofSeconds(5)).isAllowed())
                    .as("the local bucket still limits").isFalse();
        }
        finally {
            unreachable.shutdown();
        }
    }

    @Test
    void whileRedisStaysDownNoRequestWaitsForTheTimeout() {
        // The pause after a failure runs on this ticker, so the test steps past it instead of waiting it out.
        AtomicLong pauseTime = new AtomicLong();
        try (OwnRedis own = ownRedis()) {
            RedisClient ownClient = own.client();
            // A timeout beyond the 5 s bounds below, so a call that waited for Redis could not finish within them;
            // no longer than that, since the first call after the kill may wait it out.
            RedisClientBuckets buckets = new RedisClientBuckets(() -> ownClient, Duration.ofSeconds(8),
                    ClientRateLimiter.timeMeter(Clock.systemUTC()), pauseTime::get);
            ClientRateLimiter limiter = replica(buckets);
            ClientRateLimiter.Config limits = new ClientRateLimiter.Config().setRequestsPerMinute(1000);
            assertThat(limiter.consume("route|198.51.100.3", limits).block(Duration.ofSeconds(10)).isAllowed()).isTrue();
            assertThat(buckets.isDegraded()).isFalse();

            own.server().kill();
            // A limit of 1000/min is synchronised with Redis at most every 100 ms (each replica counts up to 1/50 of
            // it on its own in between), so a request right after the kill may not reach Redis, and the first that
            // does may still meet the connection before Lettuce has seen it close: requests 150 ms apart until one
            // finds Redis gone.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(150)).until(() -> {
                limiter.consume("route|198.51.100.3", limits).block(Duration.ofSeconds(15));
                return buckets.isDegraded();
            });
            // past the pause after a failure (5 s): Redis is still down, and Lettuce is reconnecting
            pauseTime.addAndGet(Duration.ofSeconds(5).plusMillis(1).toNanos());
            for (int i = 0; i < 5; i++) {
                assertThat(limiter.consume("route|198.51.100.3", limits).block(Duration.ofSeconds(5)).isAllowed())
                        .as("request %d while Redis is down", i).isTrue();
            }
        }
    }
}
