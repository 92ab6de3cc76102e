package dev.geminigateway.selection;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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

    private final ConcurrentMap<String, Health> health = new ConcurrentHashMap<>();

    /** An attempt with this key starts; {@link #finished} must follow exactly once. */
    public void started(String keyId) {
        health(keyId).inFlight.incrementAndGet();
    }

    /**
     * An attempt with this key ended. {@code kind} null: it ended before it could be judged (the client left);
     * only the in-flight count changes.
     */
    public void finished(String keyId, OutcomeKind kind, long latencyMillis, long nowMillis) {
        Health of = health(keyId);
        of.inFlight.decrementAndGet();
        double error = errorSample(kind);
        if (Double.isNaN(error)) {
            return;
        }
        of.error.update(error);
        if (kind == OutcomeKind.SUCCESS) {
            of.latency.update(latencyMillis);
        }
        of.lastMillis = nowMillis;
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

    private static final class Health {

        final Average error = new Average();
        final Average latency = new Average();
        final AtomicInteger inFlight = new AtomicInteger();
        volatile long lastMillis;

        double score(long nowMillis) {
            double fade = Math.pow(0.5, Math.max(0, nowMillis - lastMillis) / (double) HALF_LIFE_MILLIS);
            double errors = Math.min(1, error.value() * fade);
            double slowness = latency.value() * fade / LATENCY_REFERENCE_MILLIS;
            double load = Math.max(0, inFlight.get()) / LOAD_REFERENCE;
            return (1 - errors) / (1 + slowness) / (1 + load);
        }
    }

    /** An exponentially weighted average, updated by compare-and-set on its bits; the first sample sets it. */
    private static final class Average {

        private static final long UNSET = Double.doubleToRawLongBits(Double.NaN);
        private final AtomicLong bits = new AtomicLong(UNSET);

        void update(double sample) {
            long seen;
            long next;
            do {
                seen = bits.get();
                double current = Double.longBitsToDouble(seen);
                next = Double.doubleToRawLongBits(Double.isNaN(current) ? sample : current + ALPHA * (sample - current));
            }
            while (!bits.compareAndSet(seen, next));
        }

        double value() {
            double current = Double.longBitsToDouble(bits.get());
            return Double.isNaN(current) ? 0 : current;
        }
    }
}
