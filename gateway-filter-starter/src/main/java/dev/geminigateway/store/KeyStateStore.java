package dev.geminigateway.store;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * Where key states, project cooldowns and failure counts live. Reads are local and synchronous (the hot path
 * checks a state per candidate key and may not wait for I/O); a shared implementation keeps its local view
 * current and writes through in the background. Writes take effect locally at once.
 */
public interface KeyStateStore {

    KeyState state(String keyId);

    /** The cooldown in force for (project, model) at {@code now}, including an all-models one. */
    Optional<Cooldown> cooldown(String project, String model, Instant now);

    Collection<Cooldown> cooldowns(Instant now);

    /**
     * A change from evidence (feedback, sideline, probe). It never replaces an operator's {@link KeyState.Disabled}:
     * only {@link #setOperatorState} does, on every replica.
     */
    void setState(String keyId, KeyState state);

    /** An operator's decision (disable, enable, reset, remove): the one kind of write that may end DISABLED. */
    void setOperatorState(String keyId, KeyState state);

    /** Cools (project, model) until {@code until}; an existing longer cooldown is kept. */
    void coolDown(Cooldown cooldown);

    void clearCooldowns(String project);

    /** Counts one more consecutive failure that is the key's own; returns the new count. */
    int recordFailure(String keyId);

    /** A success ends the streak of failures. */
    void recordSuccess(String keyId);

    int consecutiveFailures(String keyId);

    /** "in-memory", "redis", ... for health and the admin view. */
    String kind();

    /** False while a shared store is unreachable and the local view serves alone. */
    default boolean connected() {
        return true;
    }
}
