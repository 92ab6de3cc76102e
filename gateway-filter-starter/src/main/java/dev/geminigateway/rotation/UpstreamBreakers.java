package dev.geminigateway.rotation;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import dev.geminigateway.model.KnownModels;
import dev.geminigateway.model.ModelTable;

/**
 * One short resilience4j breaker per (group, model) for 5xx and transport storms: when most recent calls for a
 * model fail, requests fail fast for a few seconds instead of walking every key, and no key is blamed. It
 * half-opens by itself, so traffic flows again within seconds of the storm ending. Breakers of models the gateway
 * does not know are kept in a bounded table (see {@link ModelTable}), as model names come from clients.
 */
public class UpstreamBreakers {

    private final ModelTable<CircuitBreaker> breakers;

    public UpstreamBreakers(int windowSize, float failureRatePercent, Duration openFor) {
        this(windowSize, failureRatePercent, openFor, KnownModels.catalogue());
    }

    public UpstreamBreakers(int windowSize, float failureRatePercent, Duration openFor, KnownModels models) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(windowSize)
                // Recorded on event loops by concurrent requests: the default window's lock would park one of them.
                .slidingWindowSynchronizationStrategy(
                        CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE)
                .minimumNumberOfCalls(windowSize)
                .failureRateThreshold(failureRatePercent)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
        this.breakers = new ModelTable<>(models, name -> CircuitBreaker.of(name, config));
    }

    public CircuitBreaker forModel(String group, String model) {
        return breakers.get(group, model);
    }

    /** Closes every breaker (an operator's reset). */
    public void reset() {
        breakers.values().forEach(CircuitBreaker::reset);
    }

    /** Breakers held. */
    int size() {
        return breakers.size();
    }
}
