package dev.geminigateway.redis;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;

/**
 * Waits (Awaitility, polling every millisecond) until a condition holds, and says how long that took. The time is a
 * number to report, never to assert tightly: on a loaded machine any wait can stretch; {@code limit} is the only bound.
 */
final class Await {

    private static final Duration POLL = Duration.ofMillis(1);

    private Await() {
    }

    /** Returns the nanoseconds it took; fails when {@code condition} did not hold within {@code limit}. */
    static long until(Duration limit, String what, BooleanSupplier condition) {
        return until(limit, POLL, what, condition);
    }

    /** As {@link #until(Duration, String, BooleanSupplier)}, asking at most every {@code poll} (a costly check). */
    static long until(Duration limit, Duration poll, String what, BooleanSupplier condition) {
        long start = System.nanoTime();
        Awaitility.await(what).atMost(limit).pollDelay(Duration.ZERO).pollInterval(poll)
                .until(condition::getAsBoolean);
        return System.nanoTime() - start;
    }
}
