package dev.geminigateway.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Client buckets kept in Redis (bucket4j's Lettuce compare-and-swap proxy manager), so every replica counts against
 * the same budget. Keys hold route ids, addresses and token fingerprints, never tokens, and expire once their bucket
 * would be full again. Redis is reached lazily: the gateway starts without it. A call that fails or takes longer
 * than the timeout fails its Mono, and {@link ClientRateLimiter} then counts locally (degraded, logged once per
 * outage), so a Redis outage never fails requests.
 */
public class RedisClientBuckets {

    private static final Logger log = LoggerFactory.getLogger(RedisClientBuckets.class);

    static final String KEY_PREFIX = "gemini-gateway:client-rate:";
    private static final long RETRY_CONNECT_NANOS = Duration.ofSeconds(5).toNanos();

    private final Supplier<AbstractRedisClient> client;
    private final Duration timeout;
    private final TimeMeter timeMeter;
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final AtomicReference<CompletableFuture<AsyncProxyManager<byte[]>>> connection = new AtomicReference<>();
    private volatile long nextConnectAttempt = System.nanoTime();
    /** The buckets' own connection, once made: while it is closed (Lettuce reconnecting) counting is local at once. */
    private volatile StatefulConnection<byte[], byte[]> link;

    /**
     * @param client the Lettuce client (standalone or cluster), asked for on first use
     * @param timeout how long a request waits for Redis before it is counted locally
     * @param timeMeter the clock buckets refill by
     */
    public RedisClientBuckets(Supplier<AbstractRedisClient> client, Duration timeout, TimeMeter timeMeter) {
        this.client = client;
        this.timeout = timeout;
        this.timeMeter = timeMeter;
    }

    /** Takes one token from the shared bucket {@code key}, created with {@code configuration} if absent. */
    public Mono<ConsumptionProbe> tryConsume(String key, BucketConfiguration configuration) {
        return proxies()
                .flatMap(proxies -> Mono.fromFuture(proxies.builder()
                        .build(bytes(key), () -> CompletableFuture.completedFuture(configuration))
                        .tryConsumeAndReturnRemaining(1)))
                .timeout(timeout)
                .doOnNext(probe -> {
                    if (degraded.compareAndSet(true, false)) {
                        log.info("Redis is back: client rate limits are shared again");
                    }
                })
                .doOnError(error -> {
                    // Slow or failing: the next requests count locally at once rather than each wait again.
                    nextConnectAttempt = System.nanoTime() + RETRY_CONNECT_NANOS;
                    if (degraded.compareAndSet(false, true)) {
                        log.warn("Redis unavailable for client rate limits ({}): counting locally on this replica until it returns",
                                error.toString());
                    }
                });
    }

    /** True while Redis fails and limits are counted per replica. */
    public boolean isDegraded() {
        return degraded.get();
    }

    /**
     * The proxy manager, connected on first use on a thread that may block (bucket4j's builder connects
     * synchronously), never on the caller's event loop; a failed connection is tried again after a pause.
     */
    private Mono<AsyncProxyManager<byte[]>> proxies() {
        if (System.nanoTime() - nextConnectAttempt < 0) {
            return Mono.error(new IllegalStateException("Redis failed recently; not asked again yet"));
        }
        StatefulConnection<byte[], byte[]> made = link;
        if (made != null && !made.isOpen()) {
            // a command now would wait in Lettuce's queue for the whole timeout
            return Mono.error(new IllegalStateException("Redis connection lost; reconnecting"));
        }
        CompletableFuture<AsyncProxyManager<byte[]>> current = connection.get();
        if (current == null || current.isCompletedExceptionally()) {
            CompletableFuture<AsyncProxyManager<byte[]>> fresh = new CompletableFuture<>();
            if (connection.compareAndSet(current, fresh)) {
                Schedulers.boundedElastic().schedule(() -> {
                    try {
                        fresh.complete(connect());
                    }
                    catch (RuntimeException e) {
                        fresh.completeExceptionally(e);
                    }
                });
            }
            current = connection.get();
        }
        // A caller that gives up (timeout) does not cancel the connection: the next one finds it made.
        return Mono.fromFuture(current, true);
    }

    private AsyncProxyManager<byte[]> connect() {
        AbstractRedisClient redis = client.get();
        ExpirationAfterWriteStrategy expiry = ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));
        if (redis instanceof RedisClusterClient cluster) {
            StatefulRedisClusterConnection<byte[], byte[]> made = cluster.connect(ByteArrayCodec.INSTANCE);
            link = made;
            return Bucket4jLettuce.casBasedBuilder(made).expirationAfterWrite(expiry).clientClock(timeMeter)
                    .requestTimeout(timeout).build().asAsync();
        }
        StatefulRedisConnection<byte[], byte[]> made = ((RedisClient) redis).connect(ByteArrayCodec.INSTANCE);
        link = made;
        return Bucket4jLettuce.casBasedBuilder(made).expirationAfterWrite(expiry).clientClock(timeMeter)
                .requestTimeout(timeout).build().asAsync();
    }

    private static byte[] bytes(String key) {
        return (KEY_PREFIX + key).getBytes(StandardCharsets.UTF_8);
    }
}
