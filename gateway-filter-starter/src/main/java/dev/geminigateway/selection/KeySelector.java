package dev.geminigateway.selection;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyGroup;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

/**
 * Health-aware round robin: from a rotating cursor per (group, model), the first key that is usable (not
 * quarantined, disabled or benched), whose project is not cooling for the model, and that this request has not
 * tried yet. When most keys are usable this is O(1) per pick; the full scan happens only when few are.
 */
public class KeySelector {

    private final KeyStateStore store;
    private final Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();

    public KeySelector(KeyStateStore store) {
        this.store = store;
    }

    public Selection select(KeyGroup group, String model, Set<String> triedKeys, Set<String> skippedProjects,
            Instant now) {
        List<ApiKey> keys = group.keys();
        int size = keys.size();
        int start = Math.floorMod(cursors.computeIfAbsent(group.name() + '/' + model, k -> new AtomicInteger())
                .getAndIncrement(), size);
        Instant earliest = null;
        boolean allQuarantined = true;
        for (int i = 0; i < size; i++) {
            ApiKey key = keys.get((start + i) % size);
            KeyState state = store.state(key.id());
            if (state instanceof KeyState.Quarantined || state instanceof KeyState.Disabled) {
                continue;
            }
            allQuarantined = false;
            if (!state.usableAt(now)) {
                earliest = earlier(earliest, ((KeyState.CoolingDown) state).until());
                continue;
            }
            Optional<Cooldown> cooldown = store.cooldown(key.project(), model, now);
            if (cooldown.isPresent()) {
                earliest = earlier(earliest, cooldown.get().until());
                continue;
            }
            if (triedKeys.contains(key.id()) || skippedProjects.contains(key.project())) {
                continue;
            }
            return new Selection.Selected(key);
        }
        return new Selection.Unavailable(earliest, allQuarantined);
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
