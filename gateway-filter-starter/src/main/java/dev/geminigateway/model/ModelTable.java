package dev.geminigateway.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * State per (scope, model), where the model comes from a client: entries of {@link KnownModels known} models are
 * kept for good in a lock-free map (their number is fixed by the configuration), entries of other models in a
 * least-recently-used table of {@link KnownModels#maxOthers()} entries. So a client sending ever new model names
 * costs a bounded amount of memory and cannot push out the state of the models the gateway really serves.
 * <p>
 * Values are created by {@code create} (given the entry's key, {@code scope + "/" + model}) outside any lock; when
 * two threads race, one value wins and both get it.
 *
 * @param <V> the state; it should be cheap to create and must not need closing when dropped
 */
public final class ModelTable<V> {

    private final KnownModels known;
    private final Function<String, V> create;
    private final Map<String, V> pinned = new ConcurrentHashMap<>();
    /** Access-ordered; guarded by itself. */
    private final LinkedHashMap<String, V> others;

    public ModelTable(KnownModels known, Function<String, V> create) {
        this.known = known;
        this.create = create;
        int max = known.maxOthers();
        this.others = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    /** The entry of (scope, model), created when absent. */
    public V get(String scope, String model) {
        String key = scope + '/' + model;
        if (known.isKnown(model)) {
            V value = pinned.get(key);
            if (value != null) {
                return value;
            }
            V created = create.apply(key);
            V raced = pinned.putIfAbsent(key, created);
            return raced != null ? raced : created;
        }
        V value;
        synchronized (others) {
            value = others.get(key);
        }
        if (value != null) {
            return value;
        }
        V created = create.apply(key);
        synchronized (others) {
            V raced = others.putIfAbsent(key, created);
            return raced != null ? raced : created;
        }
    }

    /** The entry of (scope, model), or null when there is none. */
    public V peek(String scope, String model) {
        String key = scope + '/' + model;
        if (known.isKnown(model)) {
            return pinned.get(key);
        }
        synchronized (others) {
            return others.get(key);
        }
    }

    /** A snapshot of every entry. */
    public List<V> values() {
        List<V> values = new ArrayList<>(pinned.values());
        synchronized (others) {
            values.addAll(others.values());
        }
        return values;
    }

    /** Entries held: known models' plus at most {@link KnownModels#maxOthers()} others. */
    public int size() {
        synchronized (others) {
            return pinned.size() + others.size();
        }
    }
}
