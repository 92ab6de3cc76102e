package dev.geminigateway.simulator.state;

import java.time.Duration;

import dev.geminigateway.simulator.Fault;

/**
 * What the faults decided for one request: extra latency, a fault that replaces the answer, a stream error tail,
 * a fault that reshapes a successful answer (blocked prompt, finish reason, usage in every chunk).
 */
public record FaultPlan(Duration latency, Fault terminal, Fault midStream, Fault shape) {

    public static final FaultPlan NONE = new FaultPlan(Duration.ZERO, null, null, null);
}
