package dev.geminigateway.store;

import java.time.Instant;

/**
 * The condition of one key, as explicit small states (in the manner of resilience4j's breaker states).
 * Per-project, per-model quota cooldowns are kept apart ({@link Cooldown}), since Gemini counts quota per project.
 */
public sealed interface KeyState {

    /** Whether the key may be offered at {@code now}. */
    boolean usableAt(Instant now);

    String name();

    /** In rotation. */
    record Active() implements KeyState {
        public static final Active INSTANCE = new Active();

        @Override
        public boolean usableAt(Instant now) {
            return true;
        }

        @Override
        public String name() {
            return "ACTIVE";
        }
    }

    /** Out of rotation until {@code until}, then back by itself (a sideline after repeated failures). */
    record CoolingDown(Instant until, String reason) implements KeyState {
        @Override
        public boolean usableAt(Instant now) {
            return !now.isBefore(until);
        }

        @Override
        public String name() {
            return "COOLING_DOWN";
        }
    }

    /** Invalid, leaked or disabled at Google: out until a probe succeeds or an operator resets it. */
    record Quarantined(Instant since, String reason) implements KeyState {
        @Override
        public boolean usableAt(Instant now) {
            return false;
        }

        @Override
        public String name() {
            return "QUARANTINED";
        }
    }

    /** Switched off by an operator. */
    record Disabled(Instant since, String reason) implements KeyState {
        @Override
        public boolean usableAt(Instant now) {
            return false;
        }

        @Override
        public String name() {
            return "DISABLED";
        }
    }
}
