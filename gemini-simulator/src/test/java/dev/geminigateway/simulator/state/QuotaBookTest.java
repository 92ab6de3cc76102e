package dev.geminigateway.simulator.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.geminigateway.simulator.Quota;

/** Quota arithmetic with explicit simulated times: sliding windows, exact delays, Pacific days, lookup order. */
class QuotaBookTest {

    private static final long T0 = ZonedDateTime.of(2026, 5, 4, 10, 0, 0, 0, ZoneId.of("America/Los_Angeles"))
            .toInstant().toEpochMilli();

    @Test
    void rpmDelayIsWhenTheOldestEntryLeavesTheSlidingWindow() {
        QuotaBook book = new QuotaBook();
        book.set("p", "m", new Quota(2, Long.MAX_VALUE, 100));

        assertThat(book.tryAcquire("p", "m", 1, T0)).isEmpty();
        assertThat(book.tryAcquire("p", "m", 1, T0 + 10_000)).isEmpty();
        List<QuotaViolation> violations = book.tryAcquire("p", "m", 1, T0 + 20_000);

        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.metric()).isEqualTo(QuotaMetric.REQUESTS_PER_MINUTE);
            assertThat(v.limit()).isEqualTo(2);
            assertThat(v.simulatedDelay()).isEqualTo(Duration.ofSeconds(40));
        });
        assertThat(book.tryAcquire("p", "m", 1, T0 + 59_999)).isNotEmpty();
        assertThat(book.tryAcquire("p", "m", 1, T0 + 60_000)).isEmpty(); // the first left the window
        assertThat(book.tryAcquire("p", "m", 1, T0 + 60_001)).isNotEmpty();
    }

    @Test
    void tpmDelayWaitsForEnoughTokensToLeave() {
        QuotaBook book = new QuotaBook();
        book.set("p", "*", new Quota(100, 100, 100));

        assertThat(book.tryAcquire("p", "m", 30, T0)).isEmpty();
        assertThat(book.tryAcquire("p", "m", 50, T0 + 5_000)).isEmpty();
        List<QuotaViolation> violations = book.tryAcquire("p", "m", 60, T0 + 10_000);

        // 80 used + 60 asked = 140 > 100: 40 must leave, i.e. the first two entries (30, then 50)
        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.metric()).isEqualTo(QuotaMetric.INPUT_TOKENS_PER_MINUTE);
            assertThat(v.simulatedDelay()).isEqualTo(Duration.ofSeconds(55));
        });
        assertThat(book.tryAcquire("p", "m", 101, T0 + 10_000)).singleElement()
                .satisfies(v -> assertThat(v.simulatedDelay()).isEqualTo(Duration.ofMinutes(1)));
    }

    @Test
    void rpdEndsAtPacificMidnight() {
        QuotaBook book = new QuotaBook();
        book.set("p", "m", new Quota(100, Long.MAX_VALUE, 1));
        long lateEvening = T0 + Duration.ofHours(13).toMillis(); // 23:00 Pacific

        assertThat(book.tryAcquire("p", "m", 1, lateEvening)).isEmpty();
        assertThat(book.tryAcquire("p", "m", 1, lateEvening)).singleElement().satisfies(v -> {
            assertThat(v.metric()).isEqualTo(QuotaMetric.REQUESTS_PER_DAY);
            assertThat(v.simulatedDelay()).isEqualTo(Duration.ofHours(1));
        });
        assertThat(book.tryAcquire("p", "m", 1, lateEvening + Duration.ofHours(1).toMillis())).isEmpty();
    }

    @Test
    void limitsAreLookedUpMostSpecificFirstAndUsageIsPerProjectAndModel() {
        QuotaBook book = new QuotaBook();
        book.set("*", "*", new Quota(1, 1, 1));
        book.set("*", "m", new Quota(2, 2, 2));
        book.set("p", "*", new Quota(3, 3, 3));
        book.set("p", "m", new Quota(4, 4, 4));

        assertThat(book.limitFor("p", "m").rpm()).isEqualTo(4);
        assertThat(book.limitFor("p", "x").rpm()).isEqualTo(3);
        assertThat(book.limitFor("q", "m").rpm()).isEqualTo(2);
        assertThat(book.limitFor("q", "x").rpm()).isEqualTo(1);
        assertThat(new QuotaBook().limitFor("q", "x")).isEqualTo(Quota.unlimited());

        assertThat(book.tryAcquire("q", "x", 1, T0)).isEmpty();
        assertThat(book.tryAcquire("q", "y", 1, T0)).isEmpty(); // same default, own bucket per model
        assertThat(book.tryAcquire("q", "x", 1, T0)).hasSize(3); // RPD, RPM and TPM all exceeded
    }

    @Test
    void simulatedClockRunsAtItsScale() {
        AtomicLong realNanos = new AtomicLong(123_456_789L);
        SimulatedClock clock = new SimulatedClock(Instant.parse("2026-01-01T00:00:00Z"), 1000, realNanos::get);
        realNanos.addAndGet(Duration.ofMillis(50).toNanos());

        assertThat(clock.now()).as("50 real ms at scale 1000").isEqualTo(Instant.parse("2026-01-01T00:00:50Z"));
        assertThat(clock.toReal(Duration.ofSeconds(60))).isEqualTo(Duration.ofMillis(60));
        clock.setNow(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(clock.now()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        realNanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(clock.now()).isEqualTo(Instant.parse("2030-01-01T00:00:01Z"));
        clock.setScale(2);
        realNanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(clock.now()).as("a new scale re-anchors without a jump").isEqualTo(Instant.parse("2030-01-01T00:00:03Z"));
    }
}
