package dev.geminigateway.outcome;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PacificDayTest {

    @Test
    void nextMidnightInWinterAndSummer() {
        assertThat(PacificDay.nextMidnight(Instant.parse("2026-01-15T20:00:00Z"))).isEqualTo("2026-01-16T08:00:00Z");
        assertThat(PacificDay.nextMidnight(Instant.parse("2026-07-15T20:00:00Z"))).isEqualTo("2026-07-16T07:00:00Z");
    }

    @Test
    void daylightSavingChangeDays() {
        // 8 March 2026: clocks go forward, the day has 23 hours; 1 November: back, 25 hours.
        assertThat(PacificDay.nextMidnight(Instant.parse("2026-03-08T09:00:00Z"))).isEqualTo("2026-03-09T07:00:00Z");
        assertThat(PacificDay.nextMidnight(Instant.parse("2026-11-01T08:00:00Z"))).isEqualTo("2026-11-02T08:00:00Z");
    }

    @Test
    void exactlyMidnightMovesToTheNextDay() {
        assertThat(PacificDay.nextMidnight(Instant.parse("2026-01-16T08:00:00Z"))).isEqualTo("2026-01-17T08:00:00Z");
    }
}
