package dev.geminigateway.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.geminigateway.client.ClientRateLimiter;

import org.springframework.cloud.gateway.filter.ratelimit.RateLimiter.Response;

import static org.assertj.core.api.Assertions.assertThat;

/** Client buckets shared through a real redis-server this test starts on a free port, and the fallback without it. */
class RedisClientBucketsTest {

    private static Process redis;
    private static int port;
    private static RedisClient client;

    @BeforeAll
    static void startRedis() throws Exception {
        port = freePort();
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts(port)) {
            assertThat(System.nanoTime()).as("redis-server did not start").isLessThan(deadline);
            assertThat(redis.isAlive()).as("redis-server exited").isTrue();
            Thread.sleep(50);
        }
        client = RedisClient.create("redis://127.0.0.1:" + port);
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (client != null) {
            client.shutdown();
        }
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static ClientRateLimiter replica(RedisClientBuckets buckets) {
        return new ClientRateLimiter(new ClientRateLimiter.Config().setRequestsPerMinute(3), 100, Clock.systemUTC(), null, buckets);
    }

    private static RedisClientBuckets sharedBuckets() {
        return new RedisClientBuckets(() -> client, Duration.ofSeconds(2), ClientRateLimiter.timeMeter(Clock.systemUTC()));
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
    void withoutRedisLimitsAreCountedLocallyInsteadOfFailingRequests() throws IOException {
        int nobodyListens = freePort();
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
    void whileRedisStaysDownNoRequestWaitsForTheTimeout() throws Exception {
        int ownPort = freePort();
        Process own = new ProcessBuilder("redis-server", "--port", Integer.toString(ownPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        RedisClient ownClient = RedisClient.create("redis://127.0.0.1:" + ownPort);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!accepts(ownPort)) {
                assertThat(System.nanoTime()).as("redis-server did not start").isLessThan(deadline);
                Thread.sleep(50);
            }
            // A timeout far beyond the bounds below: a request that waited for Redis could not finish within them.
            RedisClientBuckets buckets = new RedisClientBuckets(() -> ownClient, Duration.ofSeconds(20),
                    ClientRateLimiter.timeMeter(Clock.systemUTC()));
            ClientRateLimiter limiter = replica(buckets);
            ClientRateLimiter.Config limits = new ClientRateLimiter.Config().setRequestsPerMinute(1000);
            assertThat(limiter.consume("route|198.51.100.3", limits).block(Duration.ofSeconds(10)).isAllowed()).isTrue();
            assertThat(buckets.isDegraded()).isFalse();

            own.destroy();
            own.waitFor(10, TimeUnit.SECONDS);
            // the first request may still meet the connection before Lettuce has seen it close
            limiter.consume("route|198.51.100.3", limits).block(Duration.ofSeconds(25));
            assertThat(buckets.isDegraded()).isTrue();
            // past the pause after a failure: Redis is still down, and Lettuce is reconnecting
            Thread.sleep(5500);
            for (int i = 0; i < 5; i++) {
                assertThat(limiter.consume("route|198.51.100.3", limits).block(Duration.ofSeconds(5)).isAllowed())
                        .as("request %d while Redis is down", i).isTrue();
            }
        }
        finally {
            own.destroy();
            ownClient.shutdown();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
