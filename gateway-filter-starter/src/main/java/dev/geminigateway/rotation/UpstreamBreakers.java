package dev.geminigateway.rotation;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * One short resilience4j breaker per (group, model) for 5xx and transport storms: when most recent calls for a
 * model fail, requests fail fast for a few seconds instead of walking every key, and no key is blamed. It
 * half-opens by itself, so traffic flows again within seconds of the storm ending.
 */
public class UpstreamBreakers {

    private final CircuitBreakerRegistry registry;

    public UpstreamBreakers(int windowSize, float failureRatePercent, Duration openFor) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(windowSize)
                .minimumNumberOfCalls(windowSize)
                .failureRateThreshold(failureRatePercent)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
        this.registry = CircuitBreakerRegistry.of(config);
    }

    public CircuitBreaker forModel(String group, String model) {
        return registry.circuitBreaker(group + "/" + model);
    }

    /** Closes every breaker (an operator's reset). */
    public void reset() {
        registry.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
    }
}
