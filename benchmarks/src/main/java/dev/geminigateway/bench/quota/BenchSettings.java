package dev.geminigateway.bench.quota;

import java.time.Duration;

/**
 * One benchmark configuration.
 *
 * @param projects Google Cloud projects (each with its own quota)
 * @param keysPerProject keys per project (they share the project's quota)
 * @param rpm requests per minute per project, enforced by the simulator and configured in the gateway
 * @param tpm input tokens per minute per project (large: not the binding limit here)
 * @param rpd requests per day per project (large: not the binding limit here)
 * @param duration length of one run
 * @param warmup the first part of a run, not measured (the minute windows fill up)
 * @param maxWait {@code gemini.gateway.rotation.max-wait}
 * @param seed seed of the Poisson arrivals
 */
record BenchSettings(int projects, int keysPerProject, long rpm, long tpm, long rpd, Duration duration,
        Duration warmup, Duration maxWait, long seed) {

    /** Requests per second all projects together may send. */
    double aggregatePerSecond() {
        return projects * rpm / 60.0;
    }
}
