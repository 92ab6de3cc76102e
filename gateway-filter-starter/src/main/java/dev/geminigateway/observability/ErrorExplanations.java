package dev.geminigateway.observability;

import java.time.Instant;
import java.util.regex.Pattern;

import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.outcome.UpstreamOutcome;

/**
 * Plain words for an operator: what a classified upstream answer means, its code, and what the gateway did about it.
 * Only fixed texts, codes and the cooldown's end: a message Gemini wrote may quote the request, so none is shown.
 */
final class ErrorExplanations {

    /** ErrorInfo reasons and status names look like this; free text never does. */
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{2,63}");

    private ErrorExplanations() {
    }

    /** {@code quotaId} when Gemini sent one, else its reason or status name, else the outcome's name. */
    static String code(UpstreamOutcome outcome) {
        if (outcome.quotaId() != null && !outcome.quotaId().isBlank()) {
            return outcome.quotaId().length() > 120 ? outcome.quotaId().substring(0, 120) : outcome.quotaId();
        }
        String reason = outcome.reason();
        return reason != null && CODE.matcher(reason).matches() ? reason : outcome.kind().name();
    }

    static String explain(OutcomeKind kind) {
        return switch (kind) {
            case SUCCESS -> "Success.";
            case KEY_INVALID -> "Google does not know this key: it is wrong, deleted or expired.";
            case KEY_FORBIDDEN -> "Google blocks this key (reported as leaked, or restricted by IP, referrer or service).";
            case PROJECT_DISABLED -> "The key's project cannot use the Gemini API (API or billing disabled).";
            case KEY_SUSPECT -> "Permission denied without a reason: a probe with the key decides whether it is at fault.";
            case RESOURCE_DENIED -> "The request names a file, cache or tuned model this project cannot see.";
            case MINUTE_QUOTA -> "The project used up its requests per minute (RPM) for this model.";
            case DAY_QUOTA -> "The project used up its requests per day (RPD) for this model, until midnight Pacific.";
            case TOKEN_QUOTA -> "The project used up its input tokens per minute (TPM) for this model.";
            case MODEL_UNAVAILABLE -> "This model is not available on the project's tier (its limit is 0).";
            case BILLING_EXHAUSTED -> "The project's prepaid credits are used up: no model answers until they are topped up.";
            case CAPACITY -> "Gemini is short of capacity (a 429 without a quota): not this project's quota.";
            case CLIENT_ERROR -> "Gemini refused the request itself: every key would get the same answer.";
            case SERVER_ERROR -> "Gemini failed to answer (5xx).";
            case TRANSPORT -> "No answer: the connection failed, was reset or timed out.";
            case EGRESS_PROXY -> "The group's egress proxy refused the connection or could not be reached.";
            case EGRESS_LOCATION -> "Gemini does not serve the region the request left from: the group's egress, not the key.";
        };
    }

    /**
     * What the gateway did: the effect on the key or project, then whether it tried another key or answered.
     *
     * @param retried another attempt followed this one
     * @param local the gateway answered the client itself (not with this upstream answer)
     */
    static String action(UpstreamOutcome outcome, boolean retried, boolean local, int status) {
        String effect = switch (outcome.kind()) {
            case KEY_INVALID, KEY_FORBIDDEN, PROJECT_DISABLED -> "quarantined the key";
            case KEY_SUSPECT -> "probed the key";
            case MINUTE_QUOTA, DAY_QUOTA, TOKEN_QUOTA, MODEL_UNAVAILABLE -> "cooled the project for the model"
                    + until(outcome.coolUntil());
            case BILLING_EXHAUSTED -> "cooled the project for every model" + until(outcome.coolUntil());
            case SERVER_ERROR, TRANSPORT -> "counted a failure of the key";
            default -> null;
        };
        String next = retried ? "retried with another key"
                : local ? "answered the client " + status + " itself"
                : "returned " + status + " to the client";
        return effect == null ? next : effect + "; " + next;
    }

    private static String until(Instant until) {
        return until == null ? "" : " until " + until;
    }
}
