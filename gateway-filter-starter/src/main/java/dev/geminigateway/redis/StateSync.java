package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import dev.geminigateway.store.Cooldown;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * Keeps the local view in step with Redis: applies the other replicas' changes from the channel, and on every
 * (re)connection listens, re-asserts the local view ({@link StateWriter#reassertAll()}), then loads Redis' view and
 * merges it. In that order, so that no change is missed between the load and the subscription.
 */
final class StateSync implements StateCodec.StateEventHandler {

    private static final Log log = LogFactory.getLog(RedisKeyStateStore.class);
    /** Loads repeated after a resync, one per heartbeat, to catch events published before pub/sub resubscribed. */
    private static final int FOLLOW_UP_LOADS = 2;

    private final ReactiveStringRedisTemplate redis;
    private final ReactiveRedisConnectionFactory connectionFactory;
    private final RedisKeySchema schema;
    private final StateCodec codec;
    private final LocalStateView view;
    private final StateWriter writer;
    private final StoreConnection connection;
    private final String origin;
    private final Clock clock;
    private final Duration timeout;
    private final AtomicBoolean syncing = new AtomicBoolean();
    private final AtomicInteger followUpLoads = new AtomicInteger();

    private volatile boolean listening;
    private volatile ReactiveRedisMessageListenerContainer listenerContainer;
    private volatile Disposable subscription;

    StateSync(ReactiveStringRedisTemplate redis, ReactiveRedisConnectionFactory connectionFactory, RedisKeySchema schema,
            StateCodec codec, LocalStateView view, StateWriter writer, StoreConnection connection, String origin,
            Clock clock, Duration timeout) {
        this.redis = redis;
        this.connectionFactory = connectionFactory;
        this.schema = schema;
        this.codec = codec;
        this.view = view;
        this.writer = writer;
        this.connection = connection;
        this.origin = origin;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** The first synchronisation, before traffic: blocks for at most {@code wait}. */
    void initial(Duration wait) {
        syncing.set(true);
        try {
            resync(wait).block(wait);
        }
        finally {
            syncing.set(false);
        }
    }

    Mono<Void> resync(Duration wait) {
        return listen(wait)
                .then(Mono.fromRunnable(connection::up))
                .then(writer.reassertAll())
                .then(load())
                .doOnSuccess(done -> followUpLoads.set(FOLLOW_UP_LOADS))
                .doOnError(error -> connection.down());
    }

    /** One heartbeat: a read of the pool's own slot (on a cluster, the node that matters), then resync if needed. */
    Mono<Void> tick() {
        if (!syncing.compareAndSet(false, true)) {
            return Mono.empty();
        }
        return redis.hasKey(schema.states()).then()
                .timeout(timeout)
                .then(Mono.defer(() -> {
                    if (!connection.connected() || !listening) {
                        return resync(timeout).doOnSuccess(done -> log.info("Redis key-state store reconnected and resynced"));
                    }
                    return followUpLoads.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? load() : Mono.empty();
                }))
                .onErrorResume(error -> {
                    connection.failed(error);
                    return Mono.empty();
                })
                .doFinally(signal -> syncing.set(false));
    }

    private Mono<Void> listen(Duration wait) {
        if (listening) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            ReactiveRedisMessageListenerContainer previous = listenerContainer;
            if (previous != null) {
                previous.destroyLater().subscribe(ignored -> {
                }, ignored -> {
                });
            }
            ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(connectionFactory);
            listenerContainer = container;
            return container.receiveLater(ChannelTopic.of(schema.channel()));
        }).timeout(wait).doOnNext(messages -> {
            listening = true;
            subscription = messages.subscribe(message -> onMessage(message.getMessage()), error -> {
                listening = false;
                connection.failed(error);
            }, () -> listening = false);
        }).then();
    }

    /** Stops listening; bounded, since with Redis gone there is nothing left to unsubscribe from. */
    void stop() {
        Disposable current = subscription;
        if (current != null) {
            current.dispose();
        }
        listening = false;
        ReactiveRedisMessageListenerContainer container = listenerContainer;
        if (container != null) {
            container.destroyLater().timeout(timeout).onErrorResume(error -> Mono.empty()).block();
        }
    }

    /** Loads everything under the prefix: one HGETALL each for states and failures, one per cooling project. */
    Mono<Void> load() {
        long now = clock.millis();
        Mono<Map<String, String>> states = redis.<String, String>opsForHash().entries(schema.states())
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
        Mono<Map<String, String>> failures = redis.<String, String>opsForHash().entries(schema.failures())
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
        Mono<List<String>> cooldowns = redis.opsForZSet()
                .rangeByScore(schema.cooldownProjects(), Range.rightUnbounded(Range.Bound.inclusive((double) now)))
                .flatMap(project -> redis.<String, String>opsForHash().values(schema.cooldowns(project)), 16)
                .collectList();
        return Mono.zip(states, failures, cooldowns).timeout(timeout.multipliedBy(3))
                .doOnNext(snapshot -> merge(snapshot.getT1(), snapshot.getT2(), snapshot.getT3())).then();
    }

    /** Later stamp wins per key, later end per cooldown; counts and clears made here while offline win. */
    private void merge(Map<String, String> states, Map<String, String> failures, List<String> cooldowns) {
        states.forEach((id, document) -> view.apply(id, codec.decodeState(document)));

        Set<String> remoteSlots = new HashSet<>();
        for (String document : cooldowns) {
            Cooldown cooldown = codec.decodeCooldown(document);
            remoteSlots.add(cooldown.project() + '\u0000' + cooldown.model());
            view.cool(cooldown);
        }
        for (Cooldown local : view.cooldowns(clock.instant())) {
            boolean clearedElsewhere = !remoteSlots.contains(local.project() + '\u0000' + local.model());
            if (clearedElsewhere && !writer.pending("c:" + local.project())) {
                view.clearCooldowns(local.project());
            }
        }

        Set<String> ids = new HashSet<>(failures.keySet());
        ids.addAll(view.keysWithFailures());
        for (String id : ids) {
            if (!writer.pending("f:" + id)) {
                String count = failures.get(id);
                view.setFailures(id, count == null ? 0 : Integer.parseInt(count));
            }
        }
    }

    // ---- changes from other replicas -----------------------------------------------------------------------------

    private void onMessage(String message) {
        try {
            codec.dispatch(message, origin, this);
        }
        catch (RuntimeException malformed) {
            log.warn("Ignoring a malformed key-state event: " + malformed.getMessage());
        }
    }

    @Override
    public void onState(String keyId, StampedState state) {
        view.apply(keyId, state);
    }

    @Override
    public void onCooldown(Cooldown cooldown) {
        view.cool(cooldown);
    }

    @Override
    public void onClearCooldowns(String project) {
        if (!writer.pending("c:" + project)) {
            view.clearCooldowns(project);
        }
    }

    @Override
    public void onFailures(String keyId, int count) {
        if (writer.pending("f:" + keyId)) {
            view.raiseFailures(keyId, count);
        }
        else {
            view.setFailures(keyId, count);
        }
    }
}
