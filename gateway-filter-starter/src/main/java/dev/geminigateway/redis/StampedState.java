package dev.geminigateway.redis;

import dev.geminigateway.store.KeyState;

/**
 * A key's state with the moment it was set (epoch millis). Replicas resolve concurrent changes by that moment:
 * the later change wins, in Redis (the write script) and in every local view. An activation is kept as a stamped
 * ACTIVE tombstone so that it can win over an older quarantine arriving late. {@code operator} marks an operator's
 * decision: only such a change may replace DISABLED (in Redis, the write script checks it).
 */
record StampedState(KeyState state, long at, boolean operator) {

    /** A change from evidence, not from an operator. */
    public StampedState(KeyState state, long at) {
        this(state, at, false);
    }

    /** Whether a change from evidence must leave this state alone: an operator's DISABLED. */
    boolean sticky() {
        return state instanceof KeyState.Disabled;
    }
}
