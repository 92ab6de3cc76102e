package dev.geminigateway.redis;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition tightly (so the measured time is close to the real one) until it holds or time runs out. */
final class Await {

    private Await() {
    }

    /** Returns the nanoseconds it took; fails when {@code condition} did not hold within {@code limit}. */
    static long until(Duration limit, String what, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + limit + ": " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(0, 200_000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return System.nanoTime() - start;
    }
}
