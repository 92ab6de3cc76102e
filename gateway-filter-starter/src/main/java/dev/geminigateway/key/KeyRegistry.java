package dev.geminigateway.key;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * All key groups: validated at start-up (no group is empty, no key appears twice, in one group or across groups),
 * and changed at run time only through {@link #addKey} and {@link #removeKey}. Messages name groups and
 * fingerprints, never a key.
 * <p>
 * Copy-on-write: readers (the rotation hot path) see one immutable {@link Snapshot} without locking; a change
 * builds new {@link KeyGroup} records and swaps the snapshot in one volatile write. A request that already holds a
 * group goes on with the keys it saw.
 */
public class KeyRegistry {

    private volatile Snapshot snapshot;

    public KeyRegistry(Collection<KeyGroup> groups) {
        Map<String, KeyGroup> byName = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (KeyGroup group : groups) {
            if (group.keys().isEmpty()) {
                throw new IllegalStateException("Key group '" + group.name()
                        + "' has no keys: set gemini.gateway.groups." + group.name() + ".keys");
            }
            for (ApiKey key : group.keys()) {
                if (!seen.add(key.id())) {
                    throw new IllegalStateException("Key " + key.masked() + " (id " + key.id()
                            + ") is listed twice; a key may appear once, in one group");
                }
            }
            byName.put(group.name(), group);
        }
        this.snapshot = Snapshot.of(byName);
    }

    public Optional<KeyGroup> group(String name) {
        return Optional.ofNullable(snapshot.groups.get(name));
    }

    public Set<String> groupNames() {
        return snapshot.groups.keySet();
    }

    public Collection<KeyGroup> groups() {
        return snapshot.groups.values();
    }

    public Optional<ApiKey> key(String id) {
        return Optional.ofNullable(snapshot.keysById.get(id));
    }

    public List<ApiKey> allKeys() {
        return new ArrayList<>(snapshot.keysById.values());
    }

    /** How many keys all groups hold together. */
    public int size() {
        return snapshot.keysById.size();
    }

    /**
     * Adds a key to an existing group (its {@link ApiKey#group()}), at the end of the group's rotation order.
     *
     * @throws IllegalArgumentException when the group does not exist or the key is already in some group
     */
    public synchronized void addKey(ApiKey key) {
        Snapshot current = snapshot;
        KeyGroup group = current.groups.get(key.group());
        if (group == null) {
            throw new IllegalArgumentException("Key group '" + key.group() + "' is not configured; configured groups: "
                    + current.groups.keySet());
        }
        if (current.keysById.containsKey(key.id())) {
            throw new IllegalArgumentException("Key " + key.masked() + " (id " + key.id() + ") is already in group '"
                    + current.keysById.get(key.id()).group() + "'");
        }
        List<ApiKey> keys = new ArrayList<>(group.keys());
        keys.add(key);
        snapshot = current.with(group.withKeys(keys));
    }

    /**
     * Removes a key from its group. The last key of a group cannot be removed: a route naming the group would have
     * nothing to rotate (disable it instead).
     *
     * @return the removed key, or empty when no key has this id
     * @throws IllegalStateException when it is the last key of its group
     */
    public synchronized Optional<ApiKey> removeKey(String id) {
        Snapshot current = snapshot;
        ApiKey key = current.keysById.get(id);
        if (key == null) {
            return Optional.empty();
        }
        KeyGroup group = current.groups.get(key.group());
        if (group.keys().size() == 1) {
            throw new IllegalStateException("Key " + id + " is the last key of group '" + group.name()
                    + "'; a group cannot be empty (disable the key instead)");
        }
        List<ApiKey> keys = new ArrayList<>(group.keys());
        keys.remove(key);
        snapshot = current.with(group.withKeys(keys));
        return Optional.of(key);
    }

    /** The first of {@code names} whose group serves {@code model}; the first group when none lists models for it. */
    public Optional<KeyGroup> groupFor(List<String> names, String model) {
        Map<String, KeyGroup> groups = snapshot.groups;
        for (String name : names) {
            KeyGroup group = groups.get(name);
            if (group != null && !group.models().isEmpty() && group.serves(model)) {
                return Optional.of(group);
            }
        }
        for (String name : names) {
            KeyGroup group = groups.get(name);
            if (group != null && group.models().isEmpty()) {
                return Optional.of(group);
            }
        }
        return Optional.empty();
    }

    /** One consistent, immutable view of groups and keys. */
    private record Snapshot(Map<String, KeyGroup> groups, Map<String, ApiKey> keysById) {

        static Snapshot of(Map<String, KeyGroup> byName) {
            Map<String, ApiKey> keys = new LinkedHashMap<>();
            for (KeyGroup group : byName.values()) {
                for (ApiKey key : group.keys()) {
                    keys.put(key.id(), key);
                }
            }
            // LinkedHashMap copies keep the configured order (groups, then keys) for listings
            return new Snapshot(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byName)),
                    java.util.Collections.unmodifiableMap(keys));
        }

        Snapshot with(KeyGroup replaced) {
            Map<String, KeyGroup> byName = new LinkedHashMap<>(groups);
            byName.put(replaced.name(), replaced);
            return of(byName);
        }
    }
}
