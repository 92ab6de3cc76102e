package dev.geminigateway.store.redis;

import dev.geminigateway.store.KeyState;

/**
 * A key's state with the moment it was set (epoch millis). Replicas resolve concurrent changes by that moment:
 * the later change wins, in Redis (the write script) and in every local view. An activation is kept as a stamped
 * ACTIVE tombstone so that it can win over an older quarantine arriving late.
 */
public record StampedState(KeyState state, long at) {
}
