package dev.geminigateway.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The default store: one gateway instance, no dependency, state lost on restart. */
public class InMemoryKeyStateStore implements KeyStateStore {

    private final Map<String, KeyState> states = new ConcurrentHashMap<>();
    private final Map<String, Cooldown> cooldowns = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    @Override
    public KeyState state(String keyId) {
        return states.getOrDefault(keyId, KeyState.Active.INSTANCE);
    }

    @Override
    public Optional<Cooldown> cooldown(String project, String model, Instant now) {
        Cooldown forModel = model == null ? null : cooldowns.get(slot(project, model));
        if (forModel != null && forModel.activeAt(now)) {
            return Optional.of(forModel);
        }
        Cooldown forAll = cooldowns.get(slot(project, Cooldown.ALL_MODELS));
        return forAll != null && forAll.activeAt(now) ? Optional.of(forAll) : Optional.empty();
    }

    @Override
    public Collection<Cooldown> cooldowns(Instant now) {
        List<Cooldown> active = new ArrayList<>();
        cooldowns.values().removeIf(c -> !c.activeAt(now));
        active.addAll(cooldowns.values());
        return active;
    }

    @Override
    public void setState(String keyId, KeyState state) {
        states.compute(keyId, (id, held) -> held instanceof KeyState.Disabled ? held : stored(state));
    }

    @Override
    public void setOperatorState(String keyId, KeyState state) {
        states.compute(keyId, (id, held) -> stored(state));
    }

    /** ACTIVE is the default, kept as no entry. */
    private static KeyState stored(KeyState state) {
        return state instanceof KeyState.Active ? null : state;
    }

    @Override
    public void coolDown(Cooldown cooldown) {
        cooldowns.merge(slot(cooldown.project(), cooldown.model()), cooldown,
                (old, next) -> old.until().isAfter(next.until()) ? old : next);
    }

    @Override
    public void clearCooldowns(String project) {
        cooldowns.values().removeIf(c -> c.project().equals(project));
    }

    @Override
    public int recordFailure(String keyId) {
        return failures.computeIfAbsent(keyId, id -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void recordSuccess(String keyId) {
        AtomicInteger count = failures.get(keyId);
        if (count != null) {
            count.set(0);
        }
    }

    @Override
    public int consecutiveFailures(String keyId) {
        AtomicInteger count = failures.get(keyId);
        return count == null ? 0 : count.get();
    }

    @Override
    public String kind() {
        return "in-memory";
    }

    private static String slot(String project, String model) {
        return project + '\u0000' + model;
    }
}
