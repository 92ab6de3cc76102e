package dev.geminigateway.rotation;

import dev.geminigateway.outcome.UpstreamOutcome;

/**
 * What one attempt produced: the classified outcome and, for a non-2xx answer, the error body that was read to
 * classify it (kept so it can be passed to the client if no other key helps). {@code error} is set when no
 * response arrived at all.
 */
record UpstreamAnswer(UpstreamOutcome outcome, int status, byte[] body, Throwable error) {

    boolean answered() {
        return error == null;
    }
}
