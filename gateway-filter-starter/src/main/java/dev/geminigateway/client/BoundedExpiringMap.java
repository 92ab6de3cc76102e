package dev.geminigateway.client;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Per-client state that must not grow without bound: an attacker spraying addresses must not exhaust memory. Each
 * value says when it expires; expired values read as absent. When the map passes its cap, expired entries are
 * dropped and, if that is not enough, the evictable ones closest to expiry, down to 90 % of the cap, so pruning runs
 * once per tenth of the cap in new clients rather than on every insert. A value that is not evictable (a blocked
 * address) stays until it expires: when such values alone fill the map, a new key is not admitted.
 *
 * @param <K> client key
 * @param <V> state, which knows its own expiry
 */
public final class BoundedExpiringMap<K, V extends BoundedExpiringMap.Expiring> {

    /** A value that can be forgotten once {@link #expiresAt()} has passed. */
    public interface Expiring {
        Instant expiresAt();

        /** False for state that must outlive pressure from new keys (dropping it would undo a decision). */
        default boolean evictable() {
            return true;
        }
    }

    private final ConcurrentHashMap<K, V> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean pruning = new AtomicBoolean();
    private final int maxEntries;
    private final Clock clock;

    public BoundedExpiringMap(int maxEntries, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** The live value for {@code key}, or null when absent or expired. */
    public V get(K key) {
        V value = entries.get(key);
        if (value != null && isExpired(value, clock.instant())) {
            entries.remove(key, value);
            return null;
        }
        return value;
    }

    /**
     * Atomically replaces the value for {@code key}. {@code update} receives the live value (null when absent or
     * expired) and returns the new one, or null to remove it.
     */
    public V update(K key, Function<V, V> update) {
        Instant now = clock.instant();
        boolean[] admitted = new boolean[1];
        V result = entries.compute(key, (k, current) -> {
            admitted[0] = current == null;
            return update.apply(current == null || isExpired(current, now) ? null : current);
        });
        if (entries.size() > maxEntries) {
            prune(now);
            if (admitted[0] && result != null && entries.size() > maxEntries) {
                // only unevictable values are left: the newcomer is the one that does not fit
                entries.remove(key, result);
            }
        }
        return result;
    }

    public int size() {
        return entries.size();
    }

    Instant now() {
        return clock.instant();
    }

    private void prune(Instant now) {
        if (!pruning.compareAndSet(false, true)) {
            return;
        }
        try {
            entries.values().removeIf(value -> isExpired(value, now));
            int target = maxEntries - maxEntries / 10;
            int excess = entries.size() - target;
            if (excess > 0) {
                entries.entrySet().stream()
                        .filter(entry -> entry.getValue().evictable())
                        .sorted(Comparator.comparing((Map.Entry<K, V> entry) -> entry.getValue().expiresAt()))
                        .limit(excess)
                        .map(Map.Entry::getKey)
                        .toList()
                        .forEach(entries::remove);
            }
        }
        finally {
            pruning.set(false);
        }
    }

    private static boolean isExpired(Expiring value, Instant now) {
        return !value.expiresAt().isAfter(now);
    }
}
