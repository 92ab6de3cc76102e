package dev.geminigateway.simulator.state;

import java.time.Duration;

import dev.geminigateway.simulator.Fault;

/** What the faults decided for one request: extra latency, a fault that replaces the answer, a stream error tail. */
public record FaultPlan(Duration latency, Fault terminal, Fault midStream) {

    public static final FaultPlan NONE = new FaultPlan(Duration.ZERO, null, null);
}
