package dev.geminigateway.simulator.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.geminigateway.simulator.KeyStatus;

/** The keys the simulated Gemini knows, each in one project with a status. */
public final class KeyRegistry {

    /** A known key's project and status. */
    public record KeyEntry(String project, KeyStatus status) {}

    private final Map<String, KeyEntry> keys = new ConcurrentHashMap<>();

    public void put(String key, String project, KeyStatus status) {
        keys.put(key, new KeyEntry(project, status));
    }

    public boolean remove(String key) {
        return keys.remove(key) != null;
    }

    /** null when the key is unknown (Gemini answers API_KEY_INVALID). */
    public KeyEntry find(String key) {
        return key == null ? null : keys.get(key);
    }

    public Map<String, KeyEntry> snapshot() {
        return Map.copyOf(keys);
    }

    public void clear() {
        keys.clear();
    }
}
