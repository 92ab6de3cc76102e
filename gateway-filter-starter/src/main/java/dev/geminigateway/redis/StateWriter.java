package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.geminigateway.store.Cooldown;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Sends the local view's changes to Redis in the background, one script call each ({@link StateScripts}), and keeps
 * every entry ("s:id", "c:project", "f:id") written here and not yet confirmed by Redis as pending: while Redis is
 * unreachable they wait, and on reconnect {@link #reassertAll()} sends them together with the whole local view.
 */
final class StateWriter {

    private static final int PUSH_CONCURRENCY = 32;

    private final ReactiveStringRedisTemplate redis;
    private final RedisKeySchema schema;
    private final StateCodec codec;
    private final LocalStateView view;
    private final String origin;
    private final Clock clock;
    private final Duration timeout;
    private final StoreConnection connection;
    /** Pending entries with the number of their latest write: only that write's confirmation clears them. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong writeNumbers = new AtomicLong();

    StateWriter(ReactiveStringRedisTemplate redis, RedisKeySchema schema, StateCodec codec, LocalStateView view,
            String origin, Clock clock, Duration timeout, StoreConnection connection) {
        this.redis = redis;
        this.schema = schema;
        this.codec = codec;
        this.view = view;
        this.origin = origin;
        this.clock = clock;
        this.timeout = timeout;
        this.connection = connection;
    }

    void state(String keyId) {
        write("s:" + keyId, () -> sendState(keyId));
    }

    void cooldown(Cooldown cooldown) {
        write("c:" + cooldown.project(), () -> sendCooldown(cooldown));
    }

    void clear(String project) {
        write("c:" + project, () -> sendClear(project));
    }

    void failure(String keyId) {
        write("f:" + keyId, () -> redis.execute(StateScripts.RECORD_FAILURE, List.of(schema.failures()),
                List.of(keyId, schema.channel(), origin)).next()
                .doOnNext(total -> view.raiseFailures(keyId, total.intValue())));
    }

    void failures(String keyId) {
        write("f:" + keyId, () -> sendFailures(keyId));
    }

    boolean pending(String entry) {
        return pending.containsKey(entry);
    }

    int pendingCount() {
        return pending.size();
    }

    private void write(String entry, Supplier<Mono<?>> operation) {
        long number = writeNumbers.incrementAndGet();
        pending.put(entry, number);
        if (connection.connected()) {
            Mono.defer(operation).timeout(timeout)
                    .subscribe(ignored -> {
                    }, connection::failed, () -> pending.remove(entry, number));
        }
    }

    /** Sends the whole local view and every pending entry: refills a Redis that came back empty. */
    Mono<Void> reassertAll() {
        List<Mono<?>> writes = new ArrayList<>();
        Set<String> entries = new HashSet<>(pending.keySet());
        view.states().keySet().forEach(id -> entries.add("s:" + id));
        view.coolingProjects().forEach(project -> entries.add("c:" + project));
        for (String entry : entries) {
            long number = writeNumbers.incrementAndGet();
            pending.put(entry, number);
            writes.add(reassert(entry).timeout(timeout).doOnSuccess(ignored -> pending.remove(entry, number)));
        }
        return Flux.fromIterable(writes).flatMap(write -> write, PUSH_CONCURRENCY).then();
    }

    private Mono<?> reassert(String entry) {
        String name = entry.substring(2);
        return switch (entry.charAt(0)) {
            case 's' -> view.stamped(name) == null ? Mono.empty() : sendState(name);
            case 'f' -> sendFailures(name);
            default -> {
                List<Cooldown> cooldowns = view.cooldownsOf(name);
                yield cooldowns.isEmpty() ? sendClear(name)
                        : Flux.fromIterable(cooldowns).concatMap(this::sendCooldown).then();
            }
        };
    }

    private Mono<?> sendState(String keyId) {
        StampedState stamped = view.stamped(keyId);
        return redis.execute(StateScripts.SET_STATE, List.of(schema.states()), List.of(keyId,
                codec.encodeState(stamped), Long.toString(stamped.at()), schema.channel(),
                codec.stateEvent(origin, keyId, stamped))).next()
                .flatMap(applied -> applied == 0 && !stamped.operator() ? yieldToOperator(keyId) : Mono.empty());
    }

    /** A refused change from evidence: if Redis holds an operator's DISABLED, this replica takes it at once. */
    private Mono<Void> yieldToOperator(String keyId) {
        return redis.<String, String>opsForHash().get(schema.states(), keyId)
                .map(codec::decodeState)
                .filter(StampedState::sticky)
                .doOnNext(held -> view.yieldTo(keyId, held))
                .then();
    }

    private Mono<?> sendCooldown(Cooldown cooldown) {
        return redis.execute(StateScripts.COOL_DOWN,
                List.of(schema.cooldowns(cooldown.project()), schema.cooldownProjects()),
                List.of(cooldown.model(), Long.toString(cooldown.until().toEpochMilli()), codec.encodeCooldown(cooldown),
                        Long.toString(clock.millis()), cooldown.project(), schema.channel(),
                        codec.cooldownEvent(origin, cooldown))).then();
    }

    private Mono<?> sendClear(String project) {
        return redis.execute(StateScripts.CLEAR_COOLDOWNS,
                List.of(schema.cooldowns(project), schema.cooldownProjects()),
                List.of(project, schema.channel(), codec.clearEvent(origin, project))).then();
    }

    private Mono<?> sendFailures(String keyId) {
        int count = view.failures(keyId);
        return redis.execute(StateScripts.SET_FAILURES, List.of(schema.failures()), List.of(keyId,
                Integer.toString(count), schema.channel(), codec.failuresEvent(origin, keyId, count))).then();
    }
}
