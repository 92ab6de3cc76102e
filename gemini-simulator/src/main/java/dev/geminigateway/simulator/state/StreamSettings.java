package dev.geminigateway.simulator.state;

import java.time.Duration;

/** How a simulated stream is cut: number of content chunks and the pause between them. */
public record StreamSettings(int chunks, Duration interval) {

    public StreamSettings {
        if (chunks < 1) throw new IllegalArgumentException("chunks must be >= 1");
        if (interval == null || interval.isNegative()) throw new IllegalArgumentException("interval must be >= 0");
    }
}
