package dev.geminigateway.outcome;

import java.time.Duration;
import java.time.Instant;

/**
 * The classified result of one upstream attempt.
 *
 * @param kind what happened
 * @param status the upstream HTTP status (0 for a transport failure)
 * @param coolUntil for quota outcomes: when the project may be asked again for this model; else {@code null}
 * @param learnedLimit for quota outcomes: Gemini's {@code quotaValue} when it sent one, else -1
 * @param quotaId Gemini's {@code quotaId} when it sent one
 * @param reason a short text for logs and the admin view (never a key)
 */
public record UpstreamOutcome(OutcomeKind kind, int status, Instant coolUntil, long learnedLimit, String quotaId,
        String reason) {

    public static UpstreamOutcome success(int status) {
        return new UpstreamOutcome(OutcomeKind.SUCCESS, status, null, -1, null, "ok");
    }

    public static UpstreamOutcome transport(String reason) {
        return new UpstreamOutcome(OutcomeKind.TRANSPORT, 0, null, -1, null, reason);
    }

    public static UpstreamOutcome of(OutcomeKind kind, int status, String reason) {
        return new UpstreamOutcome(kind, status, null, -1, null, reason);
    }

    public Duration coolingFor(Instant now) {
        return coolUntil == null ? Duration.ZERO : Duration.between(now, coolUntil);
    }
}
