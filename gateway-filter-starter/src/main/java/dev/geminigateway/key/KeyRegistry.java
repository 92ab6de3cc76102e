package dev.geminigateway.key;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All configured key groups, validated once at start-up: no group is empty and no key appears twice
 * (in one group or across groups). Messages name groups and fingerprints, never a key.
 */
public class KeyRegistry {

    private final Map<String, KeyGroup> groups;
    private final Map<String, ApiKey> keysById = new ConcurrentHashMap<>();

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
                keysById.put(key.id(), key);
            }
            byName.put(group.name(), group);
        }
        this.groups = Map.copyOf(byName);
    }

    public Optional<KeyGroup> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    public Set<String> groupNames() {
        return groups.keySet();
    }

    public Collection<KeyGroup> groups() {
        return groups.values();
    }

    public Optional<ApiKey> key(String id) {
        return Optional.ofNullable(keysById.get(id));
    }

    public List<ApiKey> allKeys() {
        return new ArrayList<>(keysById.values());
    }

    /** The first of {@code names} whose group serves {@code model}; the first group when none lists models for it. */
    public Optional<KeyGroup> groupFor(List<String> names, String model) {
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
}
