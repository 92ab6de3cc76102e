package dev.geminigateway.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.geminigateway.web.LogSafe;

/**
 * Blocks a client address after {@code maxFailures} wrong tokens within {@code window}, for {@code block}: the Rust
 * proxy's {@code max_failures_threshold} and {@code temporary_block_minutes}, applied per client address as its
 * README promised (its code applied them to keys only). The window is fixed, starting at the first failure; a block
 * ends by itself and leaves no trace. State is bounded by {@code maxClients}: when full, the addresses still counting
 * (oldest window first) make room, never a blocked one, so spraying new addresses cannot lift a block.
 */
public class AuthFailureLockout {

    private static final Logger log = LoggerFactory.getLogger(AuthFailureLockout.class);

    private final int maxFailures;
    private final Duration window;
    private final Duration block;
    private final BoundedExpiringMap<String, Failures> failures;

    /**
     * @param maxFailures wrong tokens that start a block; 0 turns the lockout off
     * @param window how long failures are counted together
     * @param block how long a blocked address waits
     * @param maxClients cap on addresses tracked at once
     * @param clock time source
     */
    public AuthFailureLockout(int maxFailures, Duration window, Duration block, int maxClients, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.block = block;
        this.failures = new BoundedExpiringMap<>(maxClients, clock);
    }

    /** How long {@code client} stays blocked, or empty when it may try. */
    public Optional<Duration> blockedFor(String client) {
        Failures state = failures.get(client);
        if (state == null || state.blockedUntil() == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(failures.now(), state.blockedUntil());
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    /** Counts a wrong token from {@code client}; true when this failure starts a block. */
    public boolean recordFailure(String client) {
        if (maxFailures <= 0) {
            return false;
        }
        Instant now = failures.now();
        boolean[] started = new boolean[1];
        failures.update(client, current -> {
            if (current != null && current.blockedUntil() != null) {
                return current;
            }
            Failures counted = current == null ? new Failures(1, now.plus(window), null) : current.plusOne();
            if (counted.count() < maxFailures) {
                return counted;
            }
            started[0] = true;
            return counted.blockUntil(now.plus(block));
        });
        if (started[0]) {
            log.warn("Client address {} blocked for {} after {} wrong client tokens", LogSafe.of(client), block,
                    maxFailures);
        }
        return started[0];
    }

    /** Addresses currently tracked (for tests and metrics). */
    public int trackedClients() {
        return failures.size();
    }

    /** Failures of one address within the current window; blockedUntil is set once the count reaches the limit. */
    record Failures(int count, Instant windowEnd, Instant blockedUntil) implements BoundedExpiringMap.Expiring {

        Failures plusOne() {
            return new Failures(count + 1, windowEnd, null);
        }

        Failures blockUntil(Instant until) {
            return new Failures(count, windowEnd, until);
        }

        @Override
        public Instant expiresAt() {
            return blockedUntil != null ? blockedUntil : windowEnd;
        }

        @Override
        public boolean evictable() {
            return blockedUntil == null;
        }
    }
}
