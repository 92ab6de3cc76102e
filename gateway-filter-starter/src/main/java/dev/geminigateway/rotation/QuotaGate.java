package dev.geminigateway.rotation;

import java.time.Duration;

import dev.geminigateway.outcome.UpstreamOutcome;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaReservation;
import dev.geminigateway.quota.QuotaScheduler;

/**
 * The rotation's one way to the quota ledgers. The reservation itself is made as the key is chosen (the selector
 * checks a project's room and reserves in one step); the rotation then settles it by the attempt's outcome, and
 * reports its waits and its own 429s.
 */
public interface QuotaGate {

    /** For a selector that keeps no ledgers. */
    QuotaGate NONE = new QuotaGate() {
        @Override
        public void settle(QuotaReservation reservation, UpstreamOutcome outcome, Throwable error) {
        }

        @Override
        public void onWait(String group, Duration waited, boolean served) {
        }

        @Override
        public void onLocalRejection(String group, QuotaMetric metric) {
        }
    };

    /** @see QuotaScheduler#settle(QuotaReservation, UpstreamOutcome, Throwable) */
    void settle(QuotaReservation reservation, UpstreamOutcome outcome, Throwable error);

    /** A request waited for room, then was {@code served} or turned away. */
    void onWait(String group, Duration waited, boolean served);

    /** The gateway answered 429 itself: no project had room within the allowed wait. */
    void onLocalRejection(String group, QuotaMetric metric);

    /** The gate of a quota scheduler, or {@link #NONE} without one. */
    static QuotaGate of(QuotaScheduler scheduler) {
        return scheduler == null ? NONE : new SchedulerQuotaGate(scheduler);
    }
}
