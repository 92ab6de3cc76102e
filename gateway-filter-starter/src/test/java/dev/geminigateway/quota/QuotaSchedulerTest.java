package dev.geminigateway.quota;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.outcome.UpstreamOutcome;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class QuotaSchedulerTest {

    private static final String M = "gemini-2.5-flash";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
    private final QuotaPolicy policy = new QuotaPolicy(Map.of("g", Map.of(M, QuotaLimits.of(2L, 1000L, 10L))));
    private final LocalQuotaLedgers ledgers = new LocalQuotaLedgers(clock, Duration.ZERO, 100);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final QuotaScheduler scheduler = new QuotaScheduler(policy, ledgers, new QuotaMetrics(registry, 10), clock,
            true);

    private QuotaReservation admit(String project) {
        return ((Admission.Granted) scheduler.admit("g", project, M, 100).block()).reservation();
    }

    private static UpstreamOutcome quota429(OutcomeKind kind, String quotaId, long value) {
        return new UpstreamOutcome(kind, 429, Instant.now().plusSeconds(30), value, quotaId, "quota");
    }

    @Test
    void aSuccessKeepsItsReservationAndA429IsRefundedAndTeachesTheLimit() {
        QuotaReservation ok = admit("pa");
        scheduler.settle(ok, UpstreamOutcome.success(200), null);
        assertThat(ok.refunded()).isFalse();
        QuotaReservation rejected = admit("pa");
        scheduler.settle(rejected, quota429(OutcomeKind.DAY_QUOTA, "GenerateRequestsPerDayPerProjectPerModel-FreeTier", 5),
                null);
        assertThat(rejected.refunded()).isTrue();
        assertThat(policy.limits("g", "pa", M).rpd()).isEqualTo(5);
        // Gemini says the day is used up: the ledger agrees at once
        assertThat(ledgers.headroom("pa", M, policy.limits("g", "pa", M)).requestsToday()).isZero();
        assertThat(scheduler.admit("g", "pa", M, 1).block()).isInstanceOf(Admission.Denied.class);
        assertThat(scheduler.admit("g", "pb", M, 1).block()).isInstanceOf(Admission.Granted.class);
    }

    @Test
    void whatGeminiDidNotCountIsRefunded() {
        assertThat(QuotaScheduler.countedByGemini(UpstreamOutcome.success(200), null)).isTrue();
        assertThat(QuotaScheduler.countedByGemini(UpstreamOutcome.of(OutcomeKind.CLIENT_ERROR, 400, "bad"), null)).isTrue();
        assertThat(QuotaScheduler.countedByGemini(UpstreamOutcome.of(OutcomeKind.SERVER_ERROR, 503, "x"), null)).isTrue();
        assertThat(QuotaScheduler.countedByGemini(UpstreamOutcome.transport("timeout"), new IOException("reset"))).isTrue();
        assertThat(QuotaScheduler.countedByGemini(UpstreamOutcome.transport("refused"), new ConnectException("no")))
                .isFalse();
        assertThat(QuotaScheduler.countedByGemini(UpstreamOutcome.of(OutcomeKind.CAPACITY, 429, "bare"), null)).isFalse();
        assertThat(QuotaScheduler.countedByGemini(UpstreamOutcome.of(OutcomeKind.KEY_INVALID, 400, "key"), null)).isFalse();
        assertThat(QuotaScheduler.countedByGemini(quota429(OutcomeKind.MINUTE_QUOTA, "x", 1), null)).isFalse();
    }

    @Test
    void aConnectFailureGivesTheMinuteSlotBack() {
        admit("pa");
        QuotaReservation second = admit("pa");
        assertThat(scheduler.admit("g", "pa", M, 1).block()).isInstanceOf(Admission.Denied.class);
        scheduler.settle(second, UpstreamOutcome.transport("refused"), new ConnectException("refused"));
        assertThat(scheduler.admit("g", "pa", M, 1).block()).isInstanceOf(Admission.Granted.class);
    }

    @Test
    void reactiveModeGrantsEverythingUntrackedButStillLearns() {
        scheduler.setProactive(false);
        for (int i = 0; i < 10; i++) {
            assertThat(admit("pa").tracked()).isFalse();
        }
        scheduler.settle(admit("pa"), quota429(OutcomeKind.MINUTE_QUOTA,
                "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", 1), null);
        assertThat(policy.learned("pa", M).rpm()).isEqualTo(1);
        scheduler.setProactive(true);
        admit("pa");
        assertThat(scheduler.admit("g", "pa", M, 1).block()).isInstanceOf(Admission.Denied.class);
    }

    @Test
    void headroomGaugesRejectionsAndWaitsAreMeasured() {
        admit("pa");
        assertThat(registry.get("gemini.gateway.quota.headroom").tags("project", "pa", "model", M, "limit", "rpm")
                .gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("gemini.gateway.quota.headroom").tags("project", "pa", "limit", "tpm").gauge().value())
                .isEqualTo(900.0);
        scheduler.onLocalRejection("g", QuotaMetric.RPM);
        scheduler.onWait("g", Duration.ofMillis(300), true);
        assertThat(registry.get("gemini.gateway.quota.rejections").tags("limit", "rpm").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("gemini.gateway.quota.waits").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo(300.0);
    }

    @Test
    void headroomGaugesAreBounded() {
        QuotaScheduler small = new QuotaScheduler(new QuotaPolicy(Map.of("g", Map.of("*", QuotaLimits.of(5L, null, null)))),
                ledgers, new QuotaMetrics(registry, 3), clock, true);
        for (int i = 0; i < 20; i++) {
            small.admit("g", "pa", "model-" + i, 1).block();
        }
        assertThat(registry.find("gemini.gateway.quota.headroom").gauges()).as("made-up models get no gauge").isEmpty();
        for (int i = 0; i < 20; i++) {
            small.admit("g", "project-" + i, M, 1);
        }
        assertThat(registry.find("gemini.gateway.quota.headroom").tag("limit", "rpm").gauges()).hasSize(3);
    }
}
