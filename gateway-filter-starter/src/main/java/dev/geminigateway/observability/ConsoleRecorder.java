package dev.geminigateway.observability;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.geminigateway.attempt.AttemptRecord;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.outcome.UpstreamOutcome;

/**
 * Feeds the operator's console once per completed request ({@link RequestObservationFilter} calls it with what it
 * already computed): the {@link TrafficHistory} of the request's group and model, and {@link RecentErrors} with each
 * attempt that did not succeed. Requests that never reached a key group (refused by client authentication, rate or
 * token limits) are left out: they are not about keys or quota.
 */
public class ConsoleRecorder {

    private final TrafficHistory history;
    private final RecentErrors errors;
    private final Clock clock;

    public ConsoleRecorder(TrafficHistory history, RecentErrors errors, Clock clock) {
        this.history = history;
        this.errors = errors;
        this.clock = clock;
    }

    /**
     * @param group the key group KeyRotation chose, null when none was
     * @param local the gateway answered itself rather than pass an upstream answer on
     */
    public void completed(String group, String model, int status, boolean local, List<AttemptRecord> attempts,
            long latencyNanos) {
        if (group == null) {
            return;
        }
        int upstream429s = 0;
        int upstreamErrors = 0;
        int count = attempts.size();
        for (int i = 0; i < count; i++) {
            AttemptRecord attempt = attempts.get(i);
            UpstreamOutcome outcome = attempt.outcome();
            if (outcome.kind() == OutcomeKind.SUCCESS) {
                continue;
            }
            if (outcome.status() == 429) {
                upstream429s++;
            }
            else {
                upstreamErrors++;
            }
            errors.add(entry(attempt, i < count - 1, local, status));
        }
        boolean gateway429 = status == 429 && local;
        history.record(group, model != null ? model : count > 0 ? attempts.get(0).model() : null,
                status < 400, upstream429s, upstreamErrors, gateway429, latencyNanos);
    }

    private RecentErrors.Entry entry(AttemptRecord attempt, boolean retried, boolean local, int status) {
        ApiKey key = attempt.key();
        UpstreamOutcome outcome = attempt.outcome();
        return new RecentErrors.Entry(Instant.now(clock), key.id(), key.masked(), attempt.group(), key.project(),
                attempt.model(), outcome.status(), GatewayMetrics.outcomeTag(outcome.kind()),
                ErrorExplanations.code(outcome), ErrorExplanations.explain(outcome.kind()),
                ErrorExplanations.action(outcome, retried, local, status));
    }
}
