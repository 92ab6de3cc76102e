package dev.geminigateway.selection;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.outcome.OutcomeKind;

/**
 * How well each key has answered lately, as a score from 0 to 1 that orders two candidates (ARCHITECTURE.md §5):
 * the key's recent error rate, its latency to the answer's headers and the attempts it has in flight, each an
 * exponentially weighted average. What a key did long ago fades (half-life {@link #HALF_LIFE_MILLIS}), so a key
 * that lost traffic is tried again and can earn it back. Lock-free: one compare-and-set per average per attempt.
 * <p>
 * Scores never make a key ineligible: states, cooldowns and quota decide that; the score only decides which of two
 * eligible keys goes first. Entries exist for the pool's keys and go when a key is {@link #forget removed}.
 * <p>
 * A pick reads scores through a {@link Table} that lines them up with the group's keys: an array slot instead of a
 * map lookup, and the health objects of neighbouring keys side by side in memory. Fading is a table lookup, not
 * {@code Math.exp}, and two keys are compared by cross-multiplying, without dividing.
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
    /** A sample's weight, {@code 2^(-age / half-life)}, per step of {@link #FADE_STEP_SHIFT 2^10 ms} of age. */
    private static final double[] FADE = fades();
    private static final int FADE_STEP_SHIFT = 10;
    /** "Clearly better": by more than a tenth. */
    private static final double MARGIN = 1.1;

    private final ConcurrentMap<String, Health> health = new ConcurrentHashMap<>();
    /** Per group name (bounded by configuration): its keys' health in the keys' order. */
    private final ConcurrentMap<String, Table> tables = new ConcurrentHashMap<>();

    /** An attempt with this key starts; {@link #finished} must follow exactly once. */
    public void started(String keyId) {
        health(keyId).load(1);
    }

    /**
     * An attempt with this key ended. {@code kind} null: it ended before it could be judged (the client left);
     * only the in-flight count changes.
     */
    public void finished(String keyId, OutcomeKind kind, long latencyMillis, long nowMillis) {
        Health of = health.get(keyId);
        if (of == null) {
            return; // the key was removed while the attempt was in flight
        }
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

    /** The scores of a group's keys, by position in {@link KeyGroup#keys()}. */
    Table table(KeyGroup group) {
        Table table = tables.get(group.name());
        if (table != null && table.keys == group.keys()) {
            return table;
        }
        Table built = new Table(group.keys(), this);
        tables.put(group.name(), built);
        return built;
    }

    /** Forgets what every key did (tests; an operator's reset of the whole pool). */
    public void reset() {
        health.clear();
        tables.clear();
    }

    /** Forgets a key (removed from the pool). */
    public void forget(String keyId) {
        health.remove(keyId);
    }

    /** Whether anything is held for the key (it is in the pool, or was until {@link #forget}). */
    public boolean tracks(String keyId) {
        return health.containsKey(keyId);
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

    private static double[] fades() {
        // 16 half-lives (1/65536): beyond that a sample counts for nothing
        int steps = (int) (16 * HALF_LIFE_MILLIS >> FADE_STEP_SHIFT) + 1;
        double[] fade = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            fade[i] = Math.pow(0.5, (double) (i << FADE_STEP_SHIFT) / HALF_LIFE_MILLIS);
        }
        return fade;
    }

    /**
     * A group's keys' health, slot for slot. Built again when the group's key list changes (a key added or
     * removed); a pick only reads it.
     */
    static final class Table {

        private final List<ApiKey> keys;
        private final Health[] health;

        Table(List<ApiKey> keys, KeyScores scores) {
            this.keys = keys;
            this.health = new Health[keys.size()];
            for (int i = 0; i < health.length; i++) {
                health[i] = scores.health(keys.get(i).id());
            }
        }

        /**
         * What a challenger's score must exceed to go before the key at {@code index}: its score plus a tenth. At
         * least 1 when nothing can (scores are at most 1), so the search for a challenger can be skipped.
         */
        double bar(int index, long nowMillis) {
            return MARGIN * health[index].score(nowMillis);
        }

        /** Whether the key at {@code index} scores above {@code bar}. */
        boolean above(int index, double bar, long nowMillis) {
            return health[index].above(bar, nowMillis);
        }
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
            double fade = fade(nowMillis);
            return good(fade) / cost(fade);
        }

        /** {@code score > bar}, without dividing. */
        boolean above(double bar, long nowMillis) {
            double fade = fade(nowMillis);
            return good(fade) > bar * cost(fade);
        }

        private double fade(long nowMillis) {
            long steps = Math.max(0, nowMillis - lastMillis) >>> FADE_STEP_SHIFT;
            return FADE[(int) Math.min(steps, FADE.length - 1)];
        }

        /** The score's numerator: the share of answers that were not errors. */
        private double good(double fade) {
            return 1 - Math.min(1, value(errorBits) * fade);
        }

        /** The score's denominator: slowness and load, each 1 when there is none. */
        private double cost(double fade) {
            return (1 + value(latencyBits) * fade * (1 / LATENCY_REFERENCE_MILLIS))
                    * (1 + Math.max(0, inFlight) * (1 / LOAD_REFERENCE));
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
