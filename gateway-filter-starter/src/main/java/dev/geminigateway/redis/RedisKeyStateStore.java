package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * Key state shared by every replica through Redis (DESIGN.md section 7).
 *
 * <p>Reads never leave the process: they answer from a {@link LocalStateView}. A write changes that view at once and
 * is sent to Redis in the background by one Lua script, which stores it and publishes it on the change channel in
 * one atomic step; the other replicas apply the event to their views (about a millisecond on loopback). A request
 * therefore makes no Redis round trip of its own, except the background write when its attempt changed a key's
 * state (one script call: a quarantine, a cooldown, a failure; a bench is two).
 *
 * <p>Redis unreachable: requests are served from the local view; writes are kept as pending; {@link #connected()}
 * turns false and {@code gemini.gateway.store.redis.errors} counts each failed Redis call. A heartbeat notices the
 * return and resynchronises: first this replica re-asserts its whole view (states by later stamp, cooldowns by later
 * end, and its pending failure counts and cleared projects), which also refills a Redis that came back empty, then
 * it loads the full state from Redis and merges it in by the same rules. So nothing set on either side is lost,
 * quarantines and cooldowns from both sides survive, and for a key changed on both sides the later change wins.
 */
public class RedisKeyStateStore implements KeyStateStore, SmartLifecycle, StateCodec.StateEventHandler {

    public static final String ERRORS_METER = "gemini.gateway.store.redis.errors";
    public static final String CONNECTED_METER = "gemini.gateway.store.redis.connected";

    private static final Log log = LogFactory.getLog(RedisKeyStateStore.class);
    private static final int PUSH_CONCURRENCY = 32;
    /** Loads repeated after a resync, one per heartbeat, to catch events published before pub/sub resubscribed. */
    private static final int FOLLOW_UP_LOADS = 2;

    private final ReactiveStringRedisTemplate redis;
    private final ReactiveRedisConnectionFactory connectionFactory;
    private final RedisStoreProperties.Redis properties;
    private final Clock clock;
    private final RedisKeySchema schema;
    private final StateCodec codec = new StateCodec();
    private final LocalStateView view = new LocalStateView();
    private final String origin = UUID.randomUUID().toString();
    private final Counter errors;

    /** Entries ("s:id", "c:project", "f:id") written locally and not yet confirmed by Redis, with the write's number. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong writeNumbers = new AtomicLong();
    private final AtomicBoolean syncing = new AtomicBoolean();
    private final AtomicInteger followUpLoads = new AtomicInteger();

    private volatile boolean connected;
    private volatile boolean listening;
    private volatile boolean running;
    private volatile ReactiveRedisMessageListenerContainer listenerContainer;
    private volatile Disposable subscription;
    private volatile Disposable heartbeat;

    public RedisKeyStateStore(ReactiveStringRedisTemplate redis, ReactiveRedisConnectionFactory connectionFactory,
            RedisStoreProperties.Redis properties, Clock clock, MeterRegistry meters) {
        this.redis = redis;
        this.connectionFactory = connectionFactory;
        this.properties = properties;
        this.clock = clock;
        this.schema = new RedisKeySchema(properties.keyPrefix());
        this.errors = Counter.builder(ERRORS_METER).description("Failed calls to the Redis key-state store")
                .register(meters);
        Gauge.builder(CONNECTED_METER, this, store -> store.connected ? 1 : 0)
                .description("1 while the Redis key-state store is reachable and in sync").register(meters);
    }

    // ---- reads: local only -------------------------------------------------------------------------------------

    @Override
    public KeyState state(String keyId) {
        return view.state(keyId);
    }

    @Override
    public Optional<Cooldown> cooldown(String project, String model, Instant now) {
        return view.cooldown(project, model, now);
    }

    @Override
    public Collection<Cooldown> cooldowns(Instant now) {
        return view.cooldowns(now);
    }

    @Override
    public int consecutiveFailures(String keyId) {
        return view.failures(keyId);
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public boolean connected() {
        return connected;
    }

    // ---- writes: local at once, Redis in the background ------------------------------------------------------------

    @Override
    public void setState(String keyId, KeyState state) {
        StampedState current = view.stamped(keyId);
        if (current == null && state instanceof KeyState.Active) {
            return; // never changed anywhere we know of: nothing to tell Redis (keeps test resets free)
        }
        if (view.setLocally(keyId, state, clock.millis(), false)) {
            write("s:" + keyId, () -> sendState(keyId));
        }
    }

    /** Always sent, even as a first ACTIVE: Redis may hold a DISABLED this replica has not loaded. */
    @Override
    public void setOperatorState(String keyId, KeyState state) {
        view.setLocally(keyId, state, clock.millis(), true);
        write("s:" + keyId, () -> sendState(keyId));
    }

    @Override
    public void coolDown(Cooldown cooldown) {
        if (!cooldown.activeAt(clock.instant())) {
            return;
        }
        if (view.cool(cooldown)) {
            write("c:" + cooldown.project(), () -> sendCooldown(cooldown));
        }
    }

    @Override
    public void clearCooldowns(String project) {
        // Sent even when the local view has none: Redis may hold one this replica has not heard of.
        view.clearCooldowns(project);
        write("c:" + project, () -> sendClear(project));
    }

    @Override
    public int recordFailure(String keyId) {
        int count = view.incrementFailures(keyId);
        write("f:" + keyId, () -> redis.execute(StateScripts.RECORD_FAILURE, List.of(schema.failures()),
                List.of(keyId, schema.channel(), origin)).next()
                .doOnNext(total -> view.raiseFailures(keyId, total.intValue())));
        return count;
    }

    @Override
    public void recordSuccess(String keyId) {
        // The hot path of every good answer: a Redis call only when a streak of failures actually ends.
        if (view.resetFailures(keyId) > 0) {
            write("f:" + keyId, () -> sendFailures(keyId));
        }
    }

    private void write(String entry, Supplier<Mono<?>> operation) {
        long number = writeNumbers.incrementAndGet();
        pending.put(entry, number);
        if (connected) {
            send(entry, number, operation);
        }
    }

    private void send(String entry, long number, Supplier<Mono<?>> operation) {
        Mono.defer(operation).timeout(properties.commandTimeout())
                .subscribe(ignored -> {
                }, this::failed, () -> pending.remove(entry, number));
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

    private void failed(Throwable error) {
        errors.increment();
        if (connected) {
            connected = false;
            log.warn("Redis key-state store unreachable, serving from local state until it returns: " + error);
        }
    }

    // ---- changes from other replicas -----------------------------------------------------------------------------

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
        if (!pending.containsKey("c:" + project)) {
            view.clearCooldowns(project);
        }
    }

    @Override
    public void onFailures(String keyId, int count) {
        if (pending.containsKey("f:" + keyId)) {
            view.raiseFailures(keyId, count);
        }
        else {
            view.setFailures(keyId, count);
        }
    }

    private void onMessage(String message) {
        try {
            codec.dispatch(message, origin, this);
        }
        catch (RuntimeException malformed) {
            log.warn("Ignoring a malformed key-state event: " + malformed.getMessage());
        }
    }

    // ---- connection, resynchronisation -----------------------------------------------------------------------------

    /**
     * Listens on the channel, re-asserts the local view, then loads Redis' view: in that order, so that no change is
     * missed between the load and the subscription.
     */
    Mono<Void> resync(Duration timeout) {
        return listen(timeout)
                .then(Mono.fromRunnable(() -> connected = true))
                .then(pushLocalView())
                .then(load())
                .doOnSuccess(done -> followUpLoads.set(FOLLOW_UP_LOADS))
                .doOnError(error -> connected = false);
    }

    private Mono<Void> listen(Duration timeout) {
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
        }).timeout(timeout).doOnNext(messages -> {
            listening = true;
            subscription = messages.subscribe(message -> onMessage(message.getMessage()), error -> {
                listening = false;
                failed(error);
            }, () -> listening = false);
        }).then();
    }

    private Mono<Void> pushLocalView() {
        List<Mono<?>> writes = new ArrayList<>();
        Set<String> entries = new HashSet<>(pending.keySet());
        view.states().keySet().forEach(id -> entries.add("s:" + id));
        view.coolingProjects().forEach(project -> entries.add("c:" + project));
        for (String entry : entries) {
            long number = writeNumbers.incrementAndGet();
            pending.put(entry, number);
            writes.add(reassert(entry).timeout(properties.commandTimeout())
                    .doOnSuccess(ignored -> pending.remove(entry, number)));
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
        return Mono.zip(states, failures, cooldowns).timeout(properties.commandTimeout().multipliedBy(3))
                .doOnNext(snapshot -> merge(snapshot.getT1(), snapshot.getT2(), snapshot.getT3())).then();
    }

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
            if (clearedElsewhere && !pending.containsKey("c:" + local.project())) {
                view.clearCooldowns(local.project());
            }
        }

        Set<String> ids = new HashSet<>(failures.keySet());
        ids.addAll(view.keysWithFailures());
        for (String id : ids) {
            if (!pending.containsKey("f:" + id)) {
                String count = failures.get(id);
                view.setFailures(id, count == null ? 0 : Integer.parseInt(count));
            }
        }
    }

    private Mono<Void> heartbeatTick() {
        if (!syncing.compareAndSet(false, true)) {
            return Mono.empty();
        }
        // A read of the pool's own slot: on a cluster that is the node that matters.
        return redis.hasKey(schema.states()).then()
                .timeout(properties.commandTimeout())
                .then(Mono.defer(() -> {
                    if (!connected || !listening) {
                        return resync(properties.commandTimeout()).doOnSuccess(done -> log.info("Redis key-state store reconnected and resynced"));
                    }
                    return followUpLoads.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? load() : Mono.empty();
                }))
                .onErrorResume(error -> {
                    failed(error);
                    return Mono.empty();
                })
                .doFinally(signal -> syncing.set(false));
    }

    // ---- lifecycle ------------------------------------------------------------------------------------------------

    /** Loads the shared state before the server takes traffic (bounded wait), then keeps watching the connection. */
    @Override
    public void start() {
        running = true;
        syncing.set(true);
        try {
            // The first connection also warms Lettuce up, so it gets the whole startup budget.
            resync(properties.startupSyncTimeout()).block(properties.startupSyncTimeout());
            log.info("Redis key-state store in sync (prefix {" + properties.keyPrefix() + "})");
        }
        catch (RuntimeException unreachable) {
            failed(unreachable);
            log.warn("Redis key-state store starting from local state only: " + unreachable.getMessage());
        }
        finally {
            syncing.set(false);
        }
        heartbeat = Flux.interval(properties.heartbeat(), properties.heartbeat())
                .onBackpressureDrop()
                .concatMap(tick -> heartbeatTick())
                .subscribe();
    }

    @Override
    public void stop() {
        running = false;
        connected = false;
        dispose(heartbeat);
        dispose(subscription);
        listening = false;
        ReactiveRedisMessageListenerContainer container = listenerContainer;
        if (container != null) {
            // Bounded: with Redis gone there is nothing left to unsubscribe from.
            container.destroyLater().timeout(properties.commandTimeout()).onErrorResume(error -> Mono.empty())
                    .block();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server starts (so the first request sees the shared state), and stops after it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    /** Writes not yet confirmed by Redis (made while it was unreachable, or in flight). */
    public int pendingWrites() {
        return pending.size();
    }

    public String keyPrefix() {
        return properties.keyPrefix();
    }

    private static void dispose(Disposable disposable) {
        if (disposable != null) {
            disposable.dispose();
        }
    }
}
