package dev.geminigateway.quota;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class LocalQuotaLedgersTest {

    private static final Duration MARGIN = Duration.ofMillis(250);
    private static final Duration WINDOW = Duration.ofMinutes(1).plus(MARGIN);
    private static final String M = "gemini-2.5-flash";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
    private final LocalQuotaLedgers ledgers = new LocalQuotaLedgers(clock, MARGIN, 1000);

    private Admission reserve(String project, QuotaLimits limits, long tokens) {
        return ledgers.reserve("g", project, M, limits, tokens);
    }

    private QuotaReservation granted(String project, QuotaLimits limits, long tokens) {
        Admission admission = reserve(project, limits, tokens);
        assertThat(admission).isInstanceOf(Admission.Granted.class);
        return ((Admission.Granted) admission).reservation();
    }

    private Admission.Denied denied(String project, QuotaLimits limits, long tokens) {
        Admission admission = reserve(project, limits, tokens);
        assertThat(admission).isInstanceOf(Admission.Denied.class);
        return (Admission.Denied) admission;
    }

    @Test
    void requestsPerMinuteAreCountedPerProject() {
        QuotaLimits limits = QuotaLimits.of(2L, null, null);
        granted("pa", limits, 10);
        clock.advance(Duration.ofSeconds(10));
        granted("pa", limits, 10);
        Admission.Denied no = denied("pa", limits, 10);
        assertThat(no.metric()).isEqualTo(QuotaMetric.RPM);
        // the first admission leaves the window one minute (plus the margin) after it was made
        assertThat(no.retryAfter()).isEqualTo(WINDOW.minusSeconds(10));
        // another project of the same model has its own ledger
        granted("pb", limits, 10);
        granted("pb", limits, 10);
    }

    @Test
    void usageCountsTheMinuteAndTheDayAndSaysWhenTheOldestAdmissionLeaves() {
        QuotaLimits limits = QuotaLimits.of(5L, 1000L, 10L);
        assertThat(ledgers.usage("pu", M, limits).block()).isEqualTo(new QuotaUsage(0, 0, 0, null, "local"));
        Instant first = clock.instant();
        granted("pu", limits, 300);
        clock.advance(Duration.ofSeconds(15));
        QuotaReservation refunded = granted("pu", limits, 200);
        granted("pu", limits, 50);
        assertThat(ledgers.usage("pu", M, limits).block()).isEqualTo(new QuotaUsage(3, 550, 3, first.plus(WINDOW), "local"));
        ledgers.refund(refunded).block();
        clock.advance(WINDOW.minusSeconds(15));
        // the first admission left; the refunded one counts no more; the day keeps what Gemini counted
        assertThat(ledgers.usage("pu", M, limits).block())
                .isEqualTo(new QuotaUsage(1, 50, 2, first.plusSeconds(15).plus(WINDOW), "local"));
    }

    @Test
    void theMinuteSlidesRatherThanResettingOnTheClock() {
        QuotaLimits limits = QuotaLimits.of(2L, null, null);
        granted("pa", limits, 1);
        clock.advance(Duration.ofSeconds(40));
        granted("pa", limits, 1);
        clock.advance(Duration.ofSeconds(21));
        // at 61 s a fixed minute would offer two fresh requests; the sliding one has freed only the first
        granted("pa", limits, 1);
        Admission.Denied no = denied("pa", limits, 1);
        assertThat(no.retryAfter()).isEqualTo(WINDOW.minusSeconds(21));
        clock.advance(no.retryAfter().minusMillis(1));
        denied("pa", limits, 1);
        clock.advance(Duration.ofMillis(1));
        granted("pa", limits, 1);
    }

    @Test
    void inputTokensPerMinuteCountTheEstimate() {
        QuotaLimits limits = QuotaLimits.of(null, 1000L, null);
        granted("pa", limits, 600);
        clock.advance(Duration.ofSeconds(5));
        granted("pa", limits, 300);
        Admission.Denied no = denied("pa", limits, 200);
        assertThat(no.metric()).isEqualTo(QuotaMetric.TPM);
        // 100 tokens must leave: the first entry (600, admitted 5 s ago) leaves first
        assertThat(no.retryAfter()).isEqualTo(WINDOW.minusSeconds(5));
        granted("pa", limits, 100);
        assertThat(ledgers.headroom("pa", M, limits).tokensThisMinute()).isZero();
    }

    @Test
    void aRequestLargerThanTheTokenLimitNeverFits() {
        Admission.Denied no = denied("pa", QuotaLimits.of(null, 1000L, null), 1001);
        assertThat(no.metric()).isEqualTo(QuotaMetric.TPM);
        assertThat(no.retryAfter()).isNull();
    }

    @Test
    void aRefundGivesBackTheRequestTheTokensAndTheDayOnce() {
        QuotaLimits limits = QuotaLimits.of(1L, 500L, 3L);
        QuotaReservation reservation = granted("pa", limits, 400);
        assertThat(ledgers.headroom("pa", M, limits)).isEqualTo(new Headroom(0, 100, 2));
        ledgers.refund(reservation).block();
        ledgers.refund(reservation).block();
        assertThat(reservation.refunded()).isTrue();
        assertThat(ledgers.headroom("pa", M, limits)).isEqualTo(new Headroom(1, 500, 3));
        granted("pa", limits, 500);
    }

    @Test
    void reconciliationRefundsAnOverestimateAndChargesAnUnderestimate() {
        QuotaLimits limits = QuotaLimits.of(null, 1000L, null);
        QuotaReservation a = granted("pa", limits, 400);
        QuotaReservation b = granted("pa", limits, 400);
        ledgers.reconcile(a, 150).block();
        assertThat(a.tokens()).isEqualTo(150);
        assertThat(ledgers.headroom("pa", M, limits).tokensThisMinute()).isEqualTo(1000 - 150 - 400);
        ledgers.reconcile(b, 700).block();
        assertThat(ledgers.headroom("pa", M, limits).tokensThisMinute()).isEqualTo(1000 - 150 - 700);
        assertThat(denied("pa", limits, 151).retryAfter()).isEqualTo(WINDOW);
        granted("pa", limits, 150);
    }

    @Test
    void reconcilingAfterTheWindowChangesNothing() {
        QuotaLimits limits = QuotaLimits.of(null, 1000L, null);
        QuotaReservation a = granted("pa", limits, 400);
        clock.advance(WINDOW);
        ledgers.reconcile(a, 900).block();
        assertThat(ledgers.headroom("pa", M, limits).tokensThisMinute()).isEqualTo(1000);
    }

    @Test
    void aDeniedDayLimitDoesNotKeepTheMinuteSlot() {
        QuotaLimits limits = QuotaLimits.of(5L, null, 1L);
        granted("pa", limits, 1);
        assertThat(denied("pa", limits, 1).metric()).isEqualTo(QuotaMetric.RPD);
        assertThat(ledgers.headroom("pa", M, limits).requestsThisMinute()).isEqualTo(4);
    }

    @Test
    void requestsPerDayResetAtPacificMidnight() {
        // 23:59:30 PST on 2026-01-15
        clock.set(Instant.parse("2026-01-16T07:59:30Z"));
        QuotaLimits limits = QuotaLimits.of(null, null, 2L);
        granted("pa", limits, 1);
        granted("pa", limits, 1);
        Admission.Denied no = denied("pa", limits, 1);
        assertThat(no.metric()).isEqualTo(QuotaMetric.RPD);
        assertThat(no.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(29));
        denied("pa", limits, 1);
        clock.advance(Duration.ofSeconds(1));
        granted("pa", limits, 1);
        granted("pa", limits, 1);
        assertThat(denied("pa", limits, 1).retryAfter()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void theSpringForwardDayLasts23Hours() {
        // 2026-03-08 00:00 PST = 08:00Z; the next midnight is 2026-03-09 00:00 PDT = 07:00Z
        clock.set(Instant.parse("2026-03-08T08:00:00Z"));
        QuotaLimits limits = QuotaLimits.of(null, null, 1L);
        granted("pa", limits, 1);
        assertThat(denied("pa", limits, 1).retryAfter()).isEqualTo(Duration.ofHours(23));
        clock.set(Instant.parse("2026-03-09T06:59:59Z"));
        assertThat(denied("pa", limits, 1).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        clock.set(Instant.parse("2026-03-09T07:00:00Z"));
        granted("pa", limits, 1);
    }

    @Test
    void theFallBackDayLasts25Hours() {
        // 2026-11-01 00:00 PDT = 07:00Z; the next midnight is 2026-11-02 00:00 PST = 08:00Z
        clock.set(Instant.parse("2026-11-01T07:00:00Z"));
        QuotaLimits limits = QuotaLimits.of(null, null, 1L);
        granted("pa", limits, 1);
        assertThat(denied("pa", limits, 1).retryAfter()).isEqualTo(Duration.ofHours(25));
        // 24 hours later a fixed 24-hour period would refill; it is 23:00 PST on the same Pacific date
        clock.set(Instant.parse("2026-11-02T07:00:00Z"));
        assertThat(denied("pa", limits, 1).retryAfter()).isEqualTo(Duration.ofHours(1));
        clock.set(Instant.parse("2026-11-02T08:00:00Z"));
        granted("pa", limits, 1);
    }

    @Test
    void aLearnedDayLimitKeepsTodaysCountAndExhaustTakesTheRest() {
        QuotaLimits generous = QuotaLimits.of(null, null, 100L);
        granted("pa", generous, 1);
        granted("pa", generous, 1);
        QuotaLimits learned = QuotaLimits.of(null, null, 5L);
        assertThat(ledgers.headroom("pa", M, learned).requestsToday()).isEqualTo(3);
        ledgers.exhaust("pa", M, QuotaMetric.RPD, learned).block();
        assertThat(ledgers.headroom("pa", M, learned).requestsToday()).isZero();
        assertThat(denied("pa", learned, 1).metric()).isEqualTo(QuotaMetric.RPD);
    }

    @Test
    void unknownLimitsAreNotCounted() {
        for (int i = 0; i < 1000; i++) {
            assertThat(granted("pa", QuotaLimits.UNKNOWN, 1_000_000).tracked()).isFalse();
        }
        assertThat(ledgers.size()).isZero();
    }

    @Test
    void idleLedgersAreDroppedPastTheCap() {
        LocalQuotaLedgers small = new LocalQuotaLedgers(clock, MARGIN, 10);
        QuotaLimits limits = QuotaLimits.of(100L, null, null);
        for (int i = 0; i < 50; i++) {
            small.reserve("g", "p" + i, M, limits, 1);
            clock.advance(Duration.ofSeconds(61));
        }
        assertThat(small.size()).isLessThanOrEqualTo(10);
    }
}
