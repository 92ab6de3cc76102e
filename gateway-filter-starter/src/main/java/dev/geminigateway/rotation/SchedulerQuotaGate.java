package dev.geminigateway.rotation;

import java.time.Duration;

import dev.geminigateway.outcome.UpstreamOutcome;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaReservation;
import dev.geminigateway.quota.QuotaScheduler;

/** The quota scheduler, as the rotation sees it. */
record SchedulerQuotaGate(QuotaScheduler scheduler) implements QuotaGate {

    @Override
    public void settle(QuotaReservation reservation, UpstreamOutcome outcome, Throwable error) {
        scheduler.settle(reservation, outcome, error);
    }

    @Override
    public void onWait(String group, Duration waited, boolean served) {
        scheduler.onWait(group, waited, served);
    }

    @Override
    public void onLocalRejection(String group, QuotaMetric metric) {
        scheduler.onLocalRejection(group, metric);
    }
}
