package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Key state shared by every replica through Redis (docs/ARCHITECTURE.md §6).
 *
 * <p>Reads never leave the process: they answer from a {@link LocalStateView}. A write changes that view at once and
 * is sent to Redis in the background ({@link StateWriter}) by one Lua script, which stores it and publishes it on the
 * change channel in one atomic step; the other replicas apply the event to their views ({@link StateSync}). A request
 * therefore makes no Redis round trip of its own, except the background write when its attempt changed a key's
 * state (one script call: a quarantine, a cooldown, a failure; a sideline is two).
 *
 * <p>Redis unreachable: requests are served from the local view; writes are kept as pending; {@link #connected()}
 * turns false and {@code gemini.gateway.store.redis.errors} counts each failed Redis call. A heartbeat notices the
 * return and resynchronises: first this replica re-asserts its whole view (states by later stamp, cooldowns by later
 * end, and its pending failure counts and cleared projects), which also refills a Redis that came back empty, then
 * it loads the full state from Redis and merges it in by the same rules. So nothing set on either side is lost,
 * quarantines and cooldowns from both sides survive, and for a key changed on both sides the later change wins.
 */
public class RedisKeyStateStore implements KeyStateStore, SmartLifecycle {

    static final String ERRORS_METER = "gemini.gateway.store.redis.errors";
    static final String CONNECTED_METER = "gemini.gateway.store.redis.connected";

    private static final Log log = LogFactory.getLog(RedisKeyStateStore.class);

    private final RedisStoreProperties.Redis properties;
    private final Clock clock;
    private final LocalStateView view = new LocalStateView();
    private final StoreConnection connection;
    private final StateWriter writer;
    private final StateSync sync;

    private volatile boolean running;
    private volatile Disposable heartbeat;

    public RedisKeyStateStore(ReactiveStringRedisTemplate redis, ReactiveRedisConnectionFactory connectionFactory,
            RedisStoreProperties.Redis properties, Clock clock, MeterRegistry meters) {
        this.properties = properties;
        this.clock = clock;
        RedisKeySchema schema = new RedisKeySchema(properties.keyPrefix());
        StateCodec codec = new StateCodec();
        String origin = UUID.randomUUID().toString();
        this.connection = new StoreConnection(meters);
        this.writer = new StateWriter(redis, schema, codec, view, origin, clock, properties.commandTimeout(), connection);
        this.sync = new StateSync(redis, connectionFactory, schema, codec, view, writer, connection, origin, clock,
                properties.commandTimeout());
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
        return connection.connected();
    }

    // ---- writes: local at once, Redis in the background ------------------------------------------------------------

    @Override
    public void setState(String keyId, KeyState state) {
        if (view.stamped(keyId) == null && state instanceof KeyState.Active) {
            return; // never changed anywhere we know of: nothing to tell Redis (keeps test resets free)
        }
        if (view.setLocally(keyId, state, clock.millis(), false)) {
            writer.state(keyId);
        }
    }

    /** Always sent, even as a first ACTIVE: Redis may hold a DISABLED this replica has not loaded. */
    @Override
    public void setOperatorState(String keyId, KeyState state) {
        view.setLocally(keyId, state, clock.millis(), true);
        writer.state(keyId);
    }

    @Override
    public void coolDown(Cooldown cooldown) {
        if (cooldown.activeAt(clock.instant()) && view.cool(cooldown)) {
            writer.cooldown(cooldown);
        }
    }

    @Override
    public void clearCooldowns(String project) {
        // Sent even when the local view has none: Redis may hold one this replica has not heard of.
        view.clearCooldowns(project);
        writer.clear(project);
    }

    @Override
    public int recordFailure(String keyId) {
        int count = view.incrementFailures(keyId);
        writer.failure(keyId);
        return count;
    }

    @Override
    public void recordSuccess(String keyId) {
        // The hot path of every good answer: a Redis call only when a streak of failures actually ends.
        if (view.resetFailures(keyId) > 0) {
            writer.failures(keyId);
        }
    }

    // ---- lifecycle ------------------------------------------------------------------------------------------------

    /** Loads the shared state before the server takes traffic (bounded wait), then keeps watching the connection. */
    @Override
    public void start() {
        running = true;
        try {
            // The first connection also warms Lettuce up, so it gets the whole startup budget.
            sync.initial(properties.startupSyncTimeout());
            log.info("Redis key-state store in sync (prefix {" + properties.keyPrefix() + "})");
        }
        catch (RuntimeException unreachable) {
            connection.failed(unreachable);
            log.warn("Redis key-state store starting from local state only: " + unreachable.getMessage());
        }
        heartbeat = Flux.interval(properties.heartbeat(), properties.heartbeat())
                .onBackpressureDrop()
                .concatMap(tick -> sync.tick())
                .subscribe();
    }

    @Override
    public void stop() {
        running = false;
        connection.down();
        Disposable beating = heartbeat;
        if (beating != null) {
            beating.dispose();
        }
        sync.stop();
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
    int pendingWrites() {
        return writer.pendingCount();
    }

    String keyPrefix() {
        return properties.keyPrefix();
    }
}
