package dev.geminigateway.redis;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;
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
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Lettuce's reactive commands on one connection, standalone or cluster (a {@link RedisClusterClient} routes each
 * command by its keys' slot and follows MOVED), through the shared {@link LazyRedisConnection} handling.
 */
final class RedisCommandsHolder implements AutoCloseable {

    private static final Duration PAUSE = Duration.ofSeconds(1);

    private final LazyRedisConnection<StatefulConnection<String, String>> connection;

    /**
     * @param user what uses Redis, for the log ("Quota ledgers")
     * @param nanoTime monotonic nanoseconds for the pause after a failure ({@code System::nanoTime})
     */
    RedisCommandsHolder(Supplier<? extends AbstractRedisClient> client, Duration timeout, String user,
            LongSupplier nanoTime) {
        this.connection = new LazyRedisConnection<>(() -> connect(client.get()), StatefulConnection::close,
                StatefulConnection::isOpen, timeout,
                PAUSE, user, "deciding on this replica alone", nanoTime);
    }

    /** Completes once connected, or fails after {@code wait} (tests, an operator's reset). */
    Mono<Void> ready(Duration wait) {
        return connection.ready(wait);
    }

    /** Runs {@code command} with a timeout; fails at once during the pause after a failure. */
    <T> Mono<T> call(Function<RedisClusterReactiveCommands<String, String>, Publisher<T>> command) {
        return connection.call(made -> Mono.from(command.apply(commands(made))));
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
        return connection.degraded();
    }

    private static StatefulConnection<String, String> connect(AbstractRedisClient redis) {
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
        connection.close();
    }
}
