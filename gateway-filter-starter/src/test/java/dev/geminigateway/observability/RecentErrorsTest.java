package dev.geminigateway.observability;

import java.time.Instant;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.outcome.UpstreamOutcome;

import static org.assertj.core.api.Assertions.assertThat;

class RecentErrorsTest {

    @Test
    void keepsTheNewestOnesOnlyNewestFirst() {
        RecentErrors errors = new RecentErrors(3);
        IntStream.range(0, 5).forEach(i -> errors.add(entry("k" + i)));
        assertThat(errors.recent()).extracting(RecentErrors.Entry::keyId).containsExactly("k4", "k3", "k2");
    }

    @Test
    void showsCodesNotGeminisFreeText() {
        UpstreamOutcome capacity = UpstreamOutcome.of(OutcomeKind.CAPACITY, 429, "capacity: please repeat 'my secret prompt'");
        assertThat(ErrorExplanations.code(capacity)).isEqualTo("CAPACITY");
        assertThat(ErrorExplanations.code(UpstreamOutcome.of(OutcomeKind.KEY_INVALID, 400, "API_KEY_INVALID")))
                .isEqualTo("API_KEY_INVALID");
        UpstreamOutcome quota = new UpstreamOutcome(OutcomeKind.DAY_QUOTA, 429, Instant.parse("2026-11-28T08:00:00Z"),
                250, "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "daily quota exhausted");
        assertThat(ErrorExplanations.code(quota)).isEqualTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        assertThat(ErrorExplanations.action(quota, true, false, 200))
                .isEqualTo("cooled the project for the model until 2026-11-28T08:00:00Z; retried with another key");
        assertThat(ErrorExplanations.action(UpstreamOutcome.of(OutcomeKind.CLIENT_ERROR, 400, "INVALID_ARGUMENT"),
                false, false, 400)).isEqualTo("returned 400 to the client");
        assertThat(ErrorExplanations.action(quota, false, true, 429)).endsWith("answered the client 429 itself");
    }

    private static RecentErrors.Entry entry(String key) {
        return new RecentErrors.Entry(Instant.now(), key, "AIza...xxxx", "g", "p", "m", 500, "server_error",
                "INTERNAL", "Gemini failed to answer (5xx).", "retried with another key");
    }
}
