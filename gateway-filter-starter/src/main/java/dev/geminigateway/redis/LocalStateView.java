package dev.geminigateway.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;

/**
 * A replica's own copy of the pool state: what the hot path reads, with no I/O. Local writes and changes that
 * arrive from Redis meet here under the same merge rules as in the Redis scripts: a key's later-stamped state wins,
 * the later end of a (project, model) cooldown wins.
 */
final class LocalStateView {

    private final Map<String, StampedState> states = new ConcurrentHashMap<>();
    private final Map<String, Cooldown> cooldowns = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    KeyState state(String keyId) {
        StampedState stamped = states.get(keyId);
        return stamped == null ? KeyState.Active.INSTANCE : stamped.state();
    }

    StampedState stamped(String keyId) {
        return states.get(keyId);
    }

    /**
     * A local change: stamped no earlier than the one it replaces, so it always wins here, except that a change from
     * evidence leaves an operator's DISABLED alone. Returns whether it was applied.
     */
    boolean setLocally(String keyId, KeyState state, long now, boolean operator) {
        boolean[] applied = { false };
        states.compute(keyId, (id, old) -> {
            if (old != null && old.sticky() && !operator) {
                return old;
            }
            applied[0] = true;
            return new StampedState(state, old == null ? now : Math.max(now, old.at() + 1), operator);
        });
        return applied[0];
    }

    /**
     * Redis refused a change from evidence because it holds an operator's DISABLED this view had not heard of yet
     * (its stamp may even be older than the refused change): Redis' state replaces it, unless an operator's own
     * decision arrived here meanwhile.
     */
    void yieldTo(String keyId, StampedState held) {
        states.compute(keyId, (id, old) -> old != null && old.operator() && old.at() > held.at() ? old : held);
    }

    /** A change from elsewhere: applied when it is at least as recent as ours. Returns whether it was applied. */
    boolean apply(String keyId, StampedState incoming) {
        boolean[] applied = { false };
        states.compute(keyId, (id, old) -> {
            if (old == null || old.at() <= incoming.at()) {
                applied[0] = true;
                return incoming;
            }
            return old;
        });
        return applied[0];
    }

    Map<String, StampedState> states() {
        return Map.copyOf(states);
    }

    Optional<Cooldown> cooldown(String project, String model, Instant now) {
        Cooldown forModel = model == null ? null : cooldowns.get(slot(project, model));
        if (forModel != null && forModel.activeAt(now)) {
            return Optional.of(forModel);
        }
        Cooldown forAll = cooldowns.get(slot(project, Cooldown.ALL_MODELS));
        return forAll != null && forAll.activeAt(now) ? Optional.of(forAll) : Optional.empty();
    }

    Collection<Cooldown> cooldowns(Instant now) {
        cooldowns.values().removeIf(c -> !c.activeAt(now));
        return new ArrayList<>(cooldowns.values());
    }

    List<Cooldown> cooldownsOf(String project) {
        List<Cooldown> result = new ArrayList<>();
        for (Cooldown cooldown : cooldowns.values()) {
            if (cooldown.project().equals(project)) {
                result.add(cooldown);
            }
        }
        return result;
    }

    Set<String> coolingProjects() {
        Set<String> projects = new TreeSet<>();
        cooldowns.values().forEach(c -> projects.add(c.project()));
        return projects;
    }

    /** Keeps the longer of the existing and the given cooldown; true when the given one is now in force. */
    boolean cool(Cooldown cooldown) {
        return cooldowns.merge(slot(cooldown.project(), cooldown.model()), cooldown,
                (old, next) -> old.until().isBefore(next.until()) ? next : old) == cooldown;
    }

    void clearCooldowns(String project) {
        cooldowns.values().removeIf(c -> c.project().equals(project));
    }

    int incrementFailures(String keyId) {
        return failures.computeIfAbsent(keyId, id -> new AtomicInteger()).incrementAndGet();
    }

    /** Sets the count to 0; returns what it was. */
    int resetFailures(String keyId) {
        AtomicInteger count = failures.get(keyId);
        return count == null ? 0 : count.getAndSet(0);
    }

    void setFailures(String keyId, int count) {
        failures.computeIfAbsent(keyId, id -> new AtomicInteger()).set(count);
    }

    void raiseFailures(String keyId, int count) {
        failures.computeIfAbsent(keyId, id -> new AtomicInteger()).accumulateAndGet(count, Math::max);
    }

    int failures(String keyId) {
        AtomicInteger count = failures.get(keyId);
        return count == null ? 0 : count.get();
    }

    Set<String> keysWithFailures() {
        Set<String> ids = new TreeSet<>();
        failures.forEach((id, count) -> {
            if (count.get() > 0) {
                ids.add(id);
            }
        });
        return ids;
    }

    private static String slot(String project, String model) {
        return project + '\u0000' + model;
    }
}
