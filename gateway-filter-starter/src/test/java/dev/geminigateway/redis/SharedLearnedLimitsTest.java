package dev.geminigateway.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.geminigateway.quota.Admission;
import dev.geminigateway.quota.QuotaLimits;
import dev.geminigateway.quota.QuotaMetrics;
import dev.geminigateway.quota.QuotaPolicy;
import dev.geminigateway.quota.QuotaReservation;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.outcome.OutcomeKind;
import dev.geminigateway.outcome.UpstreamOutcome;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A limit one replica learns from Gemini's 429 is used by the others and by a replica started later, through one
 * real redis-server, until the next Pacific midnight.
 */
class SharedLearnedLimitsTest extends StandaloneRedisTest {

    private static final String M = "gemini-2.5-flash";
    /** The background refresh runs every second; the bound only tolerates a loaded machine. */
    private static final Duration LEARNED = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final String RPM_QUOTA_ID = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));

    /** One gateway replica: its own policy (nothing declared), ledgers and scheduler, on the shared Redis. */
    private final class Replica implements AutoCloseable {

        final QuotaPolicy policy = new QuotaPolicy(Map.of(), clock);
        final RedisQuotaLedgers ledgers = new RedisQuotaLedgers(StandaloneRedisTest::client, clock, Duration.ZERO,
                Duration.ofSeconds(2), "gq-learned", 100);
        final QuotaScheduler scheduler = new QuotaScheduler(policy, ledgers, new QuotaMetrics(new SimpleMeterRegistry(), 10),
                clock, true);
        final SharedLearnedLimits shared = new SharedLearnedLimits(ledgers, policy, Duration.ofSeconds(1));

        Admission admit() {
            return scheduler.admit("g", "pa", M, 10).block();
        }

        @Override
        public void close() {
            ledgers.close();
        }
    }

    @Test
    void aLimitLearnedByOneReplicaIsUsedByTheOtherAndSurvivesARestartUntilPacificMidnight() {
        try (Replica a = new Replica(); Replica b = new Replica()) {
            a.ledgers.reset();
            b.ledgers.ready(Duration.ofSeconds(10)).block();
            // Nothing known: A's request goes to Gemini untracked, and Gemini answers 429 stating an RPM limit of 2.
            QuotaReservation first = ((Admission.Granted) a.admit()).reservation();
            assertThat(first.tracked()).isFalse();
            a.scheduler.settle(first, new UpstreamOutcome(OutcomeKind.MINUTE_QUOTA, 429, clock.instant().plusSeconds(30),
                    2, RPM_QUOTA_ID, "quota"), null);
            assertThat(a.policy.limits("g", "pa", M).rpm()).isEqualTo(2);

            Await.until(LEARNED, POLL, "b reads the limit a learned", () -> {
                b.shared.refresh().block();
                return b.policy.limits("g", "pa", M).rpm() == 2;
            });
            // Both replicas count against the learned limit in one shared ledger.
            assertThat(b.admit()).isInstanceOf(Admission.Granted.class);
            assertThat(a.admit()).isInstanceOf(Admission.Granted.class);
            assertThat(b.admit()).isInstanceOf(Admission.Denied.class);
        }

        clock.advance(Duration.ofHours(2));
        try (Replica restarted = new Replica()) {
            restarted.ledgers.ready(Duration.ofSeconds(10)).block();
            restarted.shared.start();
            try {
                Await.until(LEARNED, POLL, "the background refresh brings the learned limit",
                        () -> restarted.policy.limits("g", "pa", M).rpm() == 2);
            }
            finally {
                restarted.shared.stop();
            }
            // Past the next Pacific midnight (08:00 UTC in November) the learned limit is gone everywhere.
            clock.set(Instant.parse("2026-11-28T08:00:00Z"));
            assertThat(restarted.policy.limits("g", "pa", M)).isEqualTo(QuotaLimits.UNKNOWN);
            QuotaPolicy fresh = new QuotaPolicy(Map.of(), clock);
            new SharedLearnedLimits(restarted.ledgers, fresh, Duration.ofSeconds(1)).refresh().block();
            assertThat(fresh.limits("g", "pa", M)).isEqualTo(QuotaLimits.UNKNOWN);
        }
    }
}
