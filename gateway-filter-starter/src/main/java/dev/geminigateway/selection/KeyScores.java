package dev.geminigateway.selection;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.geminigateway.outcome.OutcomeKind;

/**
 * How well each key has answered lately, as a score from 0 to 1 that orders two candidates (ARCHITECTURE.md §5):
 * the key's recent error rate, its latency to the answer's headers and the attempts it has in flight, each an
 * exponentially weighted average. What a key did long ago fades (half-life {@link #HALF_LIFE_MILLIS}), so a key
 * that lost traffic is tried again and can earn it back. Lock-free: one compare-and-set per average per attempt.
 * <p>
 * Scores never make a key ineligible: states, cooldowns and quota decide that; the score only decides which of two
 * eligible keys goes first. Entries exist for keys that were used, so the map is bounded by the pool.
 */
public final class KeyScores {

    /** Weight of the newest sample in the averages. */
    static final double ALPHA = 0.2;
    /** After this long without a sample, what a key's averages say counts half. */
    static final long HALF_LIFE_MILLIS = 30_000;
    /** The latency at which the latency factor is one half. */
    static final double LATENCY_REFERENCE_MILLIS = 2_000;
    /** In-flight attempts at which the load factor is one half. */
    static final double LOAD_REFERENCE = 4;
    private static final double LN2_PER_MILLI = Math.log(2) / HALF_LIFE_MILLIS;

    private final ConcurrentMap<String, Health> health = new ConcurrentHashMap<>();

    /** An attempt with this key starts; {@link #finished} must follow exactly once. */
    public void started(String keyId) {
        health(keyId).load(1);
    }

    /**
     * An attempt with this key ended. {@code kind} null: it ended before it could be judged (the client left);
     * only the in-flight count changes.
     */
    public void finished(String keyId, OutcomeKind kind, long latencyMillis, long nowMillis) {
        Health of = health(keyId);
        of.load(-1);
        double error = errorSample(kind);
        if (Double.isNaN(error)) {
            return;
        }
        of.sample(error, latencyMillis, kind == OutcomeKind.SUCCESS, nowMillis);
    }

    /** 1 for a key that answers at once without errors or load, toward 0 as it fails, slows or queues up. */
    public double score(String keyId, long nowMillis) {
        Health of = health.get(keyId);
        return of == null ? 1.0 : of.score(nowMillis);
    }

    /** True when {@code challenger} is clearly (by more than a tenth) better than {@code incumbent}. */
    boolean clearlyBetter(String challenger, String incumbent, long nowMillis) {
        Health a = health.get(challenger);
        Health b = health.get(incumbent);
        if (b == null) {
            return false;
        }
        double challengerScore = a == null ? 1.0 : a.score(nowMillis);
        return challengerScore > b.score(nowMillis) * 1.1;
    }

    /** Forgets what every key did (tests; an operator's reset of the whole pool). */
    public void reset() {
        health.clear();
    }

    /** Forgets a key (removed from the pool). */
    public void forget(String keyId) {
        health.remove(keyId);
    }

    private Health health(String keyId) {
        Health of = health.get(keyId);
        return of != null ? of : health.computeIfAbsent(keyId, id -> new Health());
    }

    /**
     * 1 for what counts against a key's answers (5xx, transport failures, bare 429s), 0 for a success; nothing for
     * outcomes that say nothing about how the key answers (NaN: quota, the client's own errors, states handled
     * elsewhere).
     */
    private static double errorSample(OutcomeKind kind) {
        if (kind == null) {
            return Double.NaN;
        }
        return switch (kind) {
            case SUCCESS -> 0.0;
            case SERVER_ERROR, TRANSPORT, CAPACITY -> 1.0;
            default -> Double.NaN;
        };
    }

    /**
     * One key's averages in one object (fields, not atomic wrappers: a pick reads two keys of a large pool, and
     * every extra object is another cache miss). The averages are doubles kept as bits and moved by compare-and-set;
     * NaN bits mean "no sample yet".
     */
    private static final class Health {

        private static final long UNSET = Double.doubleToRawLongBits(Double.NaN);
        private static final VarHandle ERROR;
        private static final VarHandle LATENCY;
        private static final VarHandle IN_FLIGHT;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                ERROR = lookup.findVarHandle(Health.class, "errorBits", long.class);
                LATENCY = lookup.findVarHandle(Health.class, "latencyBits", long.class);
                IN_FLIGHT = lookup.findVarHandle(Health.class, "inFlight", int.class);
            }
            catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile long errorBits = UNSET;
        volatile long latencyBits = UNSET;
        volatile int inFlight;
        volatile long lastMillis;

        void load(int change) {
            IN_FLIGHT.getAndAdd(this, change);
        }

        void sample(double error, long latencyMillis, boolean success, long nowMillis) {
            update(ERROR, error);
            if (success) {
                update(LATENCY, latencyMillis);
            }
            lastMillis = nowMillis;
        }

        double score(long nowMillis) {
            double fade = Math.exp(-Math.max(0, nowMillis - lastMillis) * LN2_PER_MILLI);
            double errors = Math.min(1, value(errorBits) * fade);
            double slowness = value(latencyBits) * fade / LATENCY_REFERENCE_MILLIS;
            double load = Math.max(0, inFlight) / LOAD_REFERENCE;
            return (1 - errors) / (1 + slowness) / (1 + load);
        }

        private void update(VarHandle handle, double sample) {
            long seen;
            long next;
            do {
                seen = (long) handle.getVolatile(this);
                double current = Double.longBitsToDouble(seen);
                next = Double.doubleToRawLongBits(Double.isNaN(current) ? sample : current + ALPHA * (sample - current));
            }
            while (!handle.compareAndSet(this, seen, next));
        }

        private static double value(long bits) {
            double current = Double.longBitsToDouble(bits);
            return Double.isNaN(current) ? 0 : current;
        }
    }
}
