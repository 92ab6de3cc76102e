package dev.geminigateway.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
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

    /** Limits at least this large are counted partly on each replica: up to 1/50 of the smallest between syncs. */
    static final long LOCAL_SHARE_DIVISOR = 50;
    /** Longest a replica counts on its own before it synchronises a bucket with Redis. */
    static final Duration SYNC_INTERVAL = Duration.ofMillis(100);
    private static final int MAX_PROXIES = 10_000;

    private final LazyRedisConnection<Linked> connection;

    /**
     * The buckets' own connection, so that its state can be seen, bucket4j's proxy manager over it, and the bucket
     * proxies made on it by key, least recently used dropped first (a dropped one forgets at most its local share).
     */
    private record Linked(StatefulConnection<byte[], byte[]> link, AsyncProxyManager<byte[]> proxies,
            Map<String, AsyncBucketProxy> buckets) {

        Linked(StatefulConnection<byte[], byte[]> link, AsyncProxyManager<byte[]> proxies) {
            this(link, proxies, new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, AsyncBucketProxy> eldest) {
                    return size() > MAX_PROXIES;
                }
            });
        }
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
        return connection.call(linked -> Mono.fromFuture(bucket(linked, key, configuration).tryConsumeAndReturnRemaining(1)));
    }

    /**
     * The bucket's proxy, kept so that bucket4j's delaying optimization can count on this replica between two
     * synchronisations: with a limit of at least {@link #LOCAL_SHARE_DIVISOR} requests, a replica takes up to that
     * share of it (or one {@link #SYNC_INTERVAL}'s worth of requests) locally before it writes to Redis, so a busy
     * client costs no round trip per request. Smaller limits are counted in Redis on every request.
     */
    private AsyncBucketProxy bucket(Linked linked, String key, BucketConfiguration configuration) {
        Map<String, AsyncBucketProxy> proxies = linked.buckets();
        synchronized (proxies) {
            AsyncBucketProxy known = proxies.get(key);
            if (known != null) {
                return known;
            }
        }
        long smallest = Long.MAX_VALUE;
        for (Bandwidth bandwidth : configuration.getBandwidths()) {
            smallest = Math.min(smallest, bandwidth.getCapacity());
        }
        RemoteAsyncBucketBuilder<byte[]> builder = linked.proxies().builder();
        long share = smallest / LOCAL_SHARE_DIVISOR;
        if (share >= 1) {
            builder = builder.withOptimization(Optimizations.delaying(new DelayParameters(share, SYNC_INTERVAL)));
        }
        AsyncBucketProxy made = builder.build(RedisKeySchema.clientBucket(key).getBytes(StandardCharsets.UTF_8),
                () -> CompletableFuture.completedFuture(configuration));
        synchronized (proxies) {
            AsyncBucketProxy raced = proxies.putIfAbsent(key, made);
            return raced != null ? raced : made;
        }
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
