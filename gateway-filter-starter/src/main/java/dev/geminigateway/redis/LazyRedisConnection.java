package dev.geminigateway.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import io.lettuce.core.RedisNoScriptException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The connection handling the ledgers and the client buckets share: made on first use, on a thread that may block
 * (Lettuce's connect waits for the handshake), so that neither start-up nor an event loop waits for Redis; every call
 * with a timeout; after a failure, and while the connection is down (Lettuce reconnecting), calls fail at once, so
 * an unreachable Redis costs requests no waiting;
 * the outage and the return each logged once. The callers then decide on this replica alone.
 *
 * @param <C> what a connection gives (Lettuce's connection, bucket4j's proxy manager)
 */
final class LazyRedisConnection<C> implements AutoCloseable {

    private static final Log log = LogFactory.getLog(LazyRedisConnection.class);

    private final Supplier<C> connect;
    private final Consumer<C> disconnect;
    private final Predicate<C> open;
    private final Duration timeout;
    private final long pauseNanos;
    /** Monotonic nanoseconds the pause is measured in (System::nanoTime; a test's own ticker). */
    private final LongSupplier nanoTime;
    private final String user;
    private final String whileDown;
    /** The connection, made or being made; replaced after a failure. Not cancelled by a caller that gives up. */
    private final AtomicReference<CompletableFuture<C>> connection = new AtomicReference<>();
    private volatile boolean degraded;
    private volatile long pausedUntil;

    /**
     * @param user what uses Redis, for the log ("Quota ledgers")
     * @param whileDown what it does meanwhile, for the log ("deciding on this replica alone")
     * @param nanoTime monotonic nanoseconds for the pause ({@code System::nanoTime})
     */
    LazyRedisConnection(Supplier<C> connect, Consumer<C> disconnect, Predicate<C> open, Duration timeout,
            Duration pause, String user, String whileDown, LongSupplier nanoTime) {
        this.connect = connect;
        this.disconnect = disconnect;
        this.open = open;
        this.timeout = timeout;
        this.pauseNanos = pause.toNanos();
        this.user = user;
        this.whileDown = whileDown;
        this.nanoTime = nanoTime;
        this.pausedUntil = nanoTime.getAsLong();
    }

    private Mono<C> connection() {
        CompletableFuture<C> current = connection.get();
        if (current == null || current.isCompletedExceptionally()) {
            CompletableFuture<C> fresh = new CompletableFuture<>();
            if (connection.compareAndSet(current, fresh)) {
                Schedulers.boundedElastic().schedule(() -> {
                    try {
                        fresh.complete(connect.get());
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

    /** Runs {@code command} with the timeout; fails at once during the pause after a failure. */
    <T> Mono<T> call(Function<C, Mono<T>> command) {
        if (nanoTime.getAsLong() - pausedUntil < 0) {
            return Mono.error(new IllegalStateException("Redis failed recently; not asked again yet"));
        }
        CompletableFuture<C> made = connection.get();
        if (made != null && made.isDone() && !made.isCompletedExceptionally() && !open.test(made.join())) {
            // Closed while Lettuce reconnects: a command would wait in its queue for the whole timeout, per request.
            failed(new IllegalStateException("Redis connection lost; reconnecting"));
            return Mono.error(new IllegalStateException("Redis connection lost; reconnecting"));
        }
        return connection().flatMap(command)
                .timeout(timeout)
                .doOnSuccess(answer -> {
                    if (degraded) {
                        degraded = false;
                        log.info(user + ": Redis is back, shared again");
                    }
                })
                .doOnError(error -> {
                    // A script Redis does not know yet is sent again in full (LuaScripts): Redis is fine.
                    if (!(error instanceof RedisNoScriptException)) {
                        failed(error);
                    }
                });
    }

    boolean degraded() {
        return degraded;
    }

    private void failed(Throwable error) {
        pausedUntil = nanoTime.getAsLong() + pauseNanos;
        if (!degraded) {
            degraded = true;
            log.warn(user + ": Redis unavailable (" + error + "), " + whileDown + " until it returns");
        }
    }

    @Override
    public void close() {
        CompletableFuture<C> made = connection.get();
        if (made != null) {
            made.thenAccept(disconnect);
        }
    }
}
