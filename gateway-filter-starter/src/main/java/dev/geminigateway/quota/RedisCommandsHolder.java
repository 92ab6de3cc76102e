package dev.geminigateway.quota;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Lettuce's reactive commands on one connection (standalone or cluster), made on first use and on a thread that may
 * block (Lettuce's connect waits for the handshake), so that neither start-up nor an event loop waits for Redis.
 * Every call has a timeout; after a failure, calls fail at once for a pause, and while the connection is down
 * (Lettuce reconnecting) they fail at once too, so that an unreachable Redis costs requests no waiting, and the
 * outage and the return are each logged once.
 */
final class RedisCommandsHolder implements AutoCloseable {

    private static final Log log = LogFactory.getLog(RedisCommandsHolder.class);
    private static final long PAUSE_NANOS = Duration.ofSeconds(1).toNanos();

    private final Supplier<? extends AbstractRedisClient> client;
    private final Duration timeout;
    private final String user;
    /** The connection, made or being made; replaced after a failure. Not cancelled by a caller that gives up. */
    private final AtomicReference<CompletableFuture<StatefulConnection<String, String>>> connection =
            new AtomicReference<>();
    private volatile boolean degraded;
    private volatile long pausedUntil = System.nanoTime();

    /** @param user what uses Redis, for the log ("Quota ledgers") */
    RedisCommandsHolder(Supplier<? extends AbstractRedisClient> client, Duration timeout, String user) {
        this.client = client;
        this.timeout = timeout;
        this.user = user;
    }

    private Mono<StatefulConnection<String, String>> connection() {
        CompletableFuture<StatefulConnection<String, String>> current = connection.get();
        if (current == null || current.isCompletedExceptionally()) {
            CompletableFuture<StatefulConnection<String, String>> fresh = new CompletableFuture<>();
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
        return Mono.fromFuture(current, true);
    }

    /** Completes once connected, or fails after {@code wait} (tests, an operator's reset). */
    Mono<Void> ready(Duration wait) {
        return connection().timeout(wait).then();
    }

    /** Runs {@code command} with a timeout; fails at once during the pause after a failure. */
    <T> Mono<T> call(Function<RedisClusterReactiveCommands<String, String>, Publisher<T>> command) {
        if (System.nanoTime() - pausedUntil < 0) {
            return Mono.error(new IllegalStateException("Redis failed recently; not asked again yet"));
        }
        // Closed while Lettuce reconnects: a command would wait in its queue for the whole timeout, on every request.
        return connection().flatMap(made -> made.isOpen() ? Mono.from(command.apply(commands(made)))
                        : Mono.<T>error(new IllegalStateException("Redis connection lost; reconnecting")))
                .timeout(timeout)
                .doOnSuccess(answer -> {
                    if (degraded) {
                        degraded = false;
                        log.info(user + ": Redis is back, shared again");
                    }
                })
                .doOnError(this::failed);
    }

    /** Deletes every key matching {@code pattern} (SCAN, in steps; each step with the timeout). */
    Mono<Void> deleteMatching(String pattern) {
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(500);
        return deleteFrom(ScanCursor.INITIAL, args);
    }

    private Mono<Void> deleteFrom(ScanCursor cursor, ScanArgs args) {
        return call(commands -> commands.scan(cursor, args)).flatMap((KeyScanCursor<String> scan) -> {
            Mono<Long> delete = scan.getKeys().isEmpty() ? Mono.empty()
                    : call(commands -> commands.del(scan.getKeys().toArray(String[]::new)));
            return delete.then(scan.isFinished() ? Mono.empty() : Mono.defer(() -> deleteFrom(scan, args)));
        });
    }

    boolean degraded() {
        return degraded;
    }

    private void failed(Throwable error) {
        pausedUntil = System.nanoTime() + PAUSE_NANOS;
        if (!degraded) {
            degraded = true;
            log.warn(user + ": Redis unavailable (" + error + "), deciding on this replica alone until it returns");
        }
    }

    private StatefulConnection<String, String> connect() {
        AbstractRedisClient redis = client.get();
        if (redis instanceof RedisClusterClient cluster) {
            return cluster.connect(StringCodec.UTF8);
        }
        return ((RedisClient) redis).connect(StringCodec.UTF8);
    }

    @SuppressWarnings("unchecked")
    private static RedisClusterReactiveCommands<String, String> commands(StatefulConnection<String, String> made) {
        if (made instanceof StatefulRedisClusterConnection<?, ?> cluster) {
            return ((StatefulRedisClusterConnection<String, String>) cluster).reactive();
        }
        return ((StatefulRedisConnection<String, String>) made).reactive();
    }

    @Override
    public void close() {
        CompletableFuture<StatefulConnection<String, String>> made = connection.get();
        if (made != null) {
            made.thenAccept(StatefulConnection::close);
        }
    }
}
