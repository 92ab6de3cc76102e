package dev.geminigateway.rotation;

import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import dev.geminigateway.model.KnownModels;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamBreakersBoundsTest {

    private final UpstreamBreakers breakers = new UpstreamBreakers(2, 50, Duration.ofMinutes(1),
            new KnownModels(List.of("my-model"), 100));

    @Test
    void aMillionMadeUpModelsKeepTheBreakersAtTheBound() {
        for (int i = 0; i < 1_000_000; i++) {
            breakers.forModel("default", "made-up-model-" + i);
        }
        assertThat(breakers.size()).isEqualTo(100);
    }

    @Test
    void anOpenBreakerOfAKnownModelSurvivesAFloodOfMadeUpNamesAndResetClosesIt() {
        CircuitBreaker breaker = breakers.forModel("default", "my-model");
        breaker.transitionToOpenState();
        for (int i = 0; i < 10_000; i++) {
            breakers.forModel("default", "made-up-model-" + i);
        }
        assertThat(breakers.forModel("default", "my-model")).isSameAs(breaker);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        breakers.reset();
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
