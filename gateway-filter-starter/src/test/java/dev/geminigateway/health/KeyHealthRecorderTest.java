package dev.geminigateway.health;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.geminigateway.attempt.AttemptRecord;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.model.KnownModels;
import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.outcome.UpstreamOutcome;
import dev.geminigateway.store.InMemoryKeyStateStore;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class KeyHealthRecorderTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
    private final InMemoryKeyStateStore store = new InMemoryKeyStateStore();
    private final ApiKey key = new ApiKey("AIzaSyTestKeyRecorderaaaaaaaaaaaaaaaaaaa", "p", null, "default");

    private KeyHealthRecorder recorder(int probeStatus) {
        return new KeyHealthRecorder(store, clock, 2, Duration.ofMinutes(5), Duration.ZERO, KnownModels.catalogue(),
                new SuspectKeyCheck(k -> Mono.just(probeStatus), clock, Duration.ofMinutes(1)));
    }

    private AttemptRecord attempt(OutcomeKind kind, int status) {
        return new AttemptRecord("default", "gemini-2.5-flash", key, 1, UpstreamOutcome.of(kind, status, kind.name()),
                Duration.ofMillis(5));
    }

    @Test
    void anOperatorsDisabledIsNeverChangedByFeedbackOrProbes() {
        KeyHealthRecorder recorder = recorder(403);
        KeyState disabled = new KeyState.Disabled(clock.instant(), "operator");
        store.setState(key.id(), disabled);
        for (OutcomeKind kind : new OutcomeKind[] {OutcomeKind.KEY_INVALID, OutcomeKind.KEY_FORBIDDEN,
                OutcomeKind.PROJECT_DISABLED, OutcomeKind.KEY_SUSPECT, OutcomeKind.SUCCESS}) {
            recorder.record(attempt(kind, 403));
        }
        for (int i = 0; i < 5; i++) {
            recorder.record(attempt(OutcomeKind.SERVER_ERROR, 503));
        }
        assertThat(store.state(key.id())).isEqualTo(disabled);
        assertThat(store.consecutiveFailures(key.id())).isZero();
    }

    @Test
    void aSuspectIsQuarantinedOnlyWhenItsProbeIsRefused() {
        recorder(200).record(attempt(OutcomeKind.KEY_SUSPECT, 403));
        assertThat(store.state(key.id())).isInstanceOf(KeyState.Active.class);
        recorder(503).record(attempt(OutcomeKind.KEY_SUSPECT, 403));
        assertThat(store.state(key.id())).isInstanceOf(KeyState.Active.class);
        recorder(403).record(attempt(OutcomeKind.KEY_SUSPECT, 403));
        assertThat(store.state(key.id())).isInstanceOf(KeyState.Quarantined.class);
    }

    @Test
    void requestAndResourceErrorsChangeNothing() {
        KeyHealthRecorder recorder = recorder(403);
        for (int i = 0; i < 10; i++) {
            recorder.record(attempt(OutcomeKind.RESOURCE_DENIED, 403));
            recorder.record(attempt(OutcomeKind.CLIENT_ERROR, 404));
        }
        assertThat(store.state(key.id())).isInstanceOf(KeyState.Active.class);
        assertThat(store.consecutiveFailures(key.id())).isZero();
        assertThat(store.cooldowns(clock.instant())).isEmpty();
    }
}
