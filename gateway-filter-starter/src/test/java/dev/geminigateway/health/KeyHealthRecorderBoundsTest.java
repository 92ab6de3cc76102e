package dev.geminigateway.health;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.geminigateway.attempt.AttemptRecord;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.outcome.UpstreamOutcome;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class KeyHealthRecorderBoundsTest {

    private final KeyHealthRecorder recorder = new KeyHealthRecorder(new InMemoryKeyStateStore(),
            new MutableClock(Instant.parse("2026-12-03T12:00:00Z")), 3, Duration.ofMinutes(5), Duration.ZERO,
            new KnownModels(List.of(), 100),
            new SuspectKeyCheck(k -> Mono.just(200), new MutableClock(Instant.EPOCH), Duration.ofMinutes(1)));
    private final ApiKey key = new ApiKey("AIzaSyUnitTestKeyBoundsxxxxxxxxxxxxxxxxxx", "p", null, "default");

    @Test
    void aMillionMadeUpModelsKeepTheSuccessRatesAtTheBound() {
        for (int i = 0; i < 1_000_000; i++) {
            recorder.record(new AttemptRecord("default", "made-up-model-" + i, key, 1, UpstreamOutcome.success(200),
                    Duration.ZERO));
        }
        recorder.record(new AttemptRecord("default", "gemini-2.5-flash", key, 1, UpstreamOutcome.success(200),
                Duration.ZERO));
        assertThat(recorder.trackedRates()).isEqualTo(101);
    }
}
