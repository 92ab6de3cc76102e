package dev.geminigateway.simulator.cache;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One project's recently seen prompt prefixes: block hashes (model included) with the moment they expire. Bounded:
 * past {@code capacity} entries the least recently used one goes, as a real cache would evict.
 */
final class PrefixTable {

    private final Map<Long, Long> expiries;

    PrefixTable(int capacity) {
        this.expiries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * How many leading blocks of {@code blocks} are cached at {@code nowMillis}; then every block is (re)stored until
     * {@code expiresMillis} when {@code store} is set.
     */
    synchronized int hitAndStore(long[] blocks, long nowMillis, long expiresMillis, boolean store) {
        int hit = 0;
        for (int i = blocks.length - 1; i >= 0; i--) {
            Long expiry = expiries.get(blocks[i]);
            if (expiry != null && expiry > nowMillis) {
                hit = i + 1;
                break;
            }
        }
        if (store) {
            for (long block : blocks) {
                expiries.put(block, expiresMillis);
            }
        }
        return hit;
    }

    synchronized int size() {
        return expiries.size();
    }
}
