package dev.geminigateway.simulator.state;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Simulated time: {@code anchor + scale * (real elapsed since the anchor)}. Changing the scale re-anchors at the
 * current simulated instant, so time never jumps when the speed changes.
 */
public final class SimulatedClock {

    private record Anchor(long simulatedEpochNanos, long realNanos, double scale) {}

    private volatile Anchor anchor;
    /** Real monotonic nanoseconds (System::nanoTime; a test's own ticker). */
    private final LongSupplier realNanos;

    public SimulatedClock(Instant start, double scale) {
        this(start, scale, System::nanoTime);
    }

    SimulatedClock(Instant start, double scale, LongSupplier realNanos) {
        this.realNanos = realNanos;
        set(start, scale);
    }

    public Instant now() {
        long nanos = nowEpochNanos();
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    public long nowEpochMillis() {
        return Math.floorDiv(nowEpochNanos(), 1_000_000L);
    }

    public double scale() {
        return anchor.scale;
    }

    public synchronized void setScale(double scale) {
        checkScale(scale);
        anchor = new Anchor(nowEpochNanos(), realNanos.getAsLong(), scale);
    }

    public synchronized void setNow(Instant simulatedNow) {
        anchor = new Anchor(toNanos(simulatedNow), realNanos.getAsLong(), anchor.scale);
    }

    public synchronized void set(Instant simulatedNow, double scale) {
        checkScale(scale);
        anchor = new Anchor(toNanos(simulatedNow), realNanos.getAsLong(), scale);
    }

    /** How long a simulated span lasts in real time at the current scale. */
    public Duration toReal(Duration simulated) {
        return Duration.ofNanos((long) Math.ceil(simulated.toNanos() / anchor.scale));
    }

    private long nowEpochNanos() {
        Anchor a = anchor;
        return a.simulatedEpochNanos + (long) ((realNanos.getAsLong() - a.realNanos) * a.scale);
    }

    private static long toNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static void checkScale(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("time scale must be a positive number");
        }
    }
}
