package dev.geminigateway.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Meter;

/**
 * Meters resolved once per tag set instead of a builder's {@code register} on every request, which builds an id
 * and looks it up in the registry each time. Lock-free: a known tag set is one map read; a new one is registered
 * outside any lock of this map (registration takes the registry's own locks and may call its listeners, which
 * must never run inside a map's bin lock), then published with {@code putIfAbsent}. Two threads racing on a new tag
 * set both register, and the registry gives both the same meter.
 * <p>
 * Keys must come from bounded sets (configured names, statuses, outcomes, known models or {@code other}).
 *
 * @param <K> the tag set, a value with equals and hashCode (a record)
 * @param <M> the meter type
 */
public final class MeterCache<K, M extends Meter> {

    private final Map<K, M> meters = new ConcurrentHashMap<>();
    private final Function<K, M> register;

    public MeterCache(Function<K, M> register) {
        this.register = register;
    }

    public M get(K tags) {
        M meter = meters.get(tags);
        if (meter != null) {
            return meter;
        }
        M registered = register.apply(tags);
        M raced = meters.putIfAbsent(tags, registered);
        return raced != null ? raced : registered;
    }

    /** Tag sets resolved so far. */
    public int size() {
        return meters.size();
    }
}
