package dev.geminigateway.quota;

import java.time.Duration;

/** A ledger's answer to "may this project take one more request of N input tokens now?". */
public sealed interface Admission {

    /** Yes, and the request now holds {@code reservation}. */
    record Granted(QuotaReservation reservation) implements Admission {
    }

    /**
     * No. {@code retryAfter} is how long until it would fit (exact for the minute windows, to the next Pacific midnight for
     * RPD); null when it never will, because the request alone is larger than the limit.
     */
    record Denied(QuotaMetric metric, Duration retryAfter) implements Admission {
    }
}
