package dev.geminigateway.observability;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

/**
 * Counts the keys of each group by state, as health, metrics and the admin view show them. A sideline whose time is
 * over counts as {@code ACTIVE}: the key is usable again even before its next success clears the state.
 */
public class KeyPoolInspector {

    public static final List<String> STATES = List.of("ACTIVE", "COOLING_DOWN", "QUARANTINED", "DISABLED");

    private final KeyRegistry registry;
    private final KeyStateStore store;
    private final Clock clock;

    public KeyPoolInspector(KeyRegistry registry, KeyStateStore store, Clock clock) {
        this.registry = registry;
        this.store = store;
        this.clock = clock;
    }

    public List<GroupStatus> inspect() {
        Instant now = clock.instant();
        List<GroupStatus> groups = new ArrayList<>();
        for (KeyGroup group : registry.groups()) {
            Map<String, Integer> byState = new LinkedHashMap<>();
            STATES.forEach(state -> byState.put(state, 0));
            for (ApiKey key : group.keys()) {
                byState.merge(effectiveState(store.state(key.id()), now), 1, Integer::sum);
            }
            groups.add(new GroupStatus(group.name(), group.keys().size(), byState));
        }
        return groups;
    }

    public KeyStateStore store() {
        return store;
    }

    /** The state name a key is shown with at {@code now}. */
    public static String effectiveState(KeyState state, Instant now) {
        return state instanceof KeyState.CoolingDown && state.usableAt(now) ? "ACTIVE" : state.name();
    }

    /**
     * One group's keys by state.
     *
     * @param byState counts for every name in {@link #STATES}
     */
    public record GroupStatus(String name, int total, Map<String, Integer> byState) {

        /** Keys that can take a request now. */
        public int usable() {
            return byState.getOrDefault("ACTIVE", 0);
        }

        /** Usable now, or will be by itself (a sideline ends); false when every key is quarantined or disabled. */
        public boolean serviceable() {
            return usable() + byState.getOrDefault("COOLING_DOWN", 0) > 0;
        }
    }
}
