package dev.geminigateway.quota;

import java.time.Clock;
import java.time.Instant;

import io.github.bucket4j.TimeMeter;

/**
 * bucket4j's time source over a {@link Clock}, so that ledgers follow the gateway's clock: tests move it by hand,
 * and a benchmark can run it at the simulator's speed. Wall-clock based: its readings mean the same across
 * replicas, which a shared (Redis) bucket needs.
 */
public final class ClockTimeMeter implements TimeMeter {

    private final Clock clock;

    public ClockTimeMeter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public long currentTimeNanos() {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }

    public Clock clock() {
        return clock;
    }
}
