package dev.geminigateway.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import reactor.core.publisher.Mono;

import dev.geminigateway.client.SharedBuckets;

/**
 * Client buckets kept in Redis (bucket4j's Lettuce compare-and-swap proxy manager), so every replica counts against
 * the same budget. One key per bucket ({@link RedisKeySchema#clientBucket}), so a cluster needs no hash tag; keys hold
 * route ids, addresses and token fingerprints, never tokens, and expire once their bucket would be full again. Redis
 * is reached lazily through {@link LazyRedisConnection}: the gateway starts without it. A call that fails or takes
 * longer than the timeout fails its Mono, and {@code ClientRateLimiter} then counts locally (degraded, logged once
 * per outage), so a Redis outage never fails requests.
 */
public class RedisClientBuckets implements SharedBuckets {

    private static final Duration PAUSE = Duration.ofSeconds(5);

    private final LazyRedisConnection<Linked> connection;

    /** The buckets' own connection, so that its state can be seen, and bucket4j's proxies over it. */
    private record Linked(StatefulConnection<byte[], byte[]> link, AsyncProxyManager<byte[]> proxies) {
    }

    /**
     * @param client the Lettuce client (standalone or cluster), asked for on first use
     * @param timeout how long a request waits for Redis before it is counted locally
     * @param timeMeter the clock buckets refill by
     */
    public RedisClientBuckets(Supplier<AbstractRedisClient> client, Duration timeout, TimeMeter timeMeter) {
        this(client, timeout, timeMeter, System::nanoTime);
    }

    /** @param pauseTime monotonic nanoseconds for the pause after a Redis failure (a test's ticker) */
    RedisClientBuckets(Supplier<AbstractRedisClient> client, Duration timeout, TimeMeter timeMeter,
            LongSupplier pauseTime) {
        this.connection = new LazyRedisConnection<>(() -> connect(client.get(), timeout, timeMeter),
                linked -> linked.link().close(), linked -> linked.link().isOpen(), timeout, PAUSE, "Client rate limits", "counting on this replica alone", pauseTime);
    }

    @Override
    public Mono<ConsumptionProbe> tryConsume(String key, BucketConfiguration configuration) {
        return connection.call(linked -> Mono.fromFuture(linked.proxies().builder()
                .build(RedisKeySchema.clientBucket(key).getBytes(StandardCharsets.UTF_8),
                        () -> CompletableFuture.completedFuture(configuration))
                .tryConsumeAndReturnRemaining(1)));
    }

    /** True while Redis fails and limits are counted per replica. */
    boolean isDegraded() {
        return connection.degraded();
    }

    /** bucket4j's builder connects synchronously: called by {@link LazyRedisConnection} off the event loop. */
    private static Linked connect(AbstractRedisClient redis, Duration timeout, TimeMeter timeMeter) {
        ExpirationAfterWriteStrategy expiry = ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));
        if (redis instanceof RedisClusterClient cluster) {
            StatefulRedisClusterConnection<byte[], byte[]> made = cluster.connect(ByteArrayCodec.INSTANCE);
            return new Linked(made, Bucket4jLettuce.casBasedBuilder(made).expirationAfterWrite(expiry)
                    .clientClock(timeMeter).requestTimeout(timeout).build().asAsync());
        }
        StatefulRedisConnection<byte[], byte[]> made = ((RedisClient) redis).connect(ByteArrayCodec.INSTANCE);
        return new Linked(made, Bucket4jLettuce.casBasedBuilder(made).expirationAfterWrite(expiry)
                .clientClock(timeMeter).requestTimeout(timeout).build().asAsync());
    }
}
