package dev.geminigateway.outcome;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Gemini's daily quotas reset at midnight Pacific time (ARCHITECTURE.md §8.3), DST included. */
public final class PacificDay {

    public static final ZoneId ZONE = ZoneId.of("America/Los_Angeles");

    private PacificDay() {
    }

    public static Instant nextMidnight(Instant now) {
        ZonedDateTime local = now.atZone(ZONE);
        return local.toLocalDate().plusDays(1).atStartOfDay(ZONE).toInstant();
    }
}
