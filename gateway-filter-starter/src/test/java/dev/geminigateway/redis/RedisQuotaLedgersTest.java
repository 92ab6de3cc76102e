package dev.geminigateway.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.geminigateway.quota.Admission;
import dev.geminigateway.quota.Headroom;
import dev.geminigateway.quota.QuotaLedgers;
import dev.geminigateway.quota.QuotaLimits;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaReservation;
import dev.geminigateway.quota.QuotaUsage;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis ledgers against a real {@code redis-server} this test starts on a free port (never the system one):
 * two replicas share one project's limits, with the same arithmetic as the local ledgers.
 */
@SuppressWarnings("unchecked")
class RedisQuotaLedgersTest extends StandaloneRedisTest {

    private static final Duration MARGIN = Duration.ofMillis(250);
    private static final Duration WINDOW = Duration.ofMinutes(1).plus(MARGIN);
    private static final String M = "gemini-2.5-flash";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
    private RedisQuotaLedgers replicaA;
    private RedisQuotaLedgers replicaB;

    @BeforeEach
    void replicas() {
        replicaA = ledgers(client(), "gq-test");
        replicaB = ledgers(client(), "gq-test");
        replicaA.reset();
        replicaB.ready(Duration.ofSeconds(10)).block();
    }

    private RedisQuotaLedgers ledgers(RedisClient lettuce, String prefix) {
        return new RedisQuotaLedgers(() -> lettuce, clock, MARGIN, Duration.ofSeconds(2), prefix, 100);
    }

    @AfterEach
    void close() {
        replicaA.close();
        replicaB.close();
    }

    private static QuotaReservation granted(QuotaLedgers ledgers, String project, QuotaLimits limits, long tokens) {
        Admission admission = ledgers.tryReserve("g", project, M, limits, tokens).block();
        assertThat(admission).isInstanceOf(Admission.Granted.class);
        return ((Admission.Granted) admission).reservation();
    }

    private static Admission.Denied denied(QuotaLedgers ledgers, String project, QuotaLimits limits, long tokens) {
        Admission admission = ledgers.tryReserve("g", project, M, limits, tokens).block();
        assertThat(admission).isInstanceOf(Admission.Denied.class);
        return (Admission.Denied) admission;
    }

    @Test
    void twoReplicasShareOneProjectsMinute() {
        QuotaLimits limits = QuotaLimits.of(2L, null, null);
        granted(replicaA, "pa", limits, 1);
        clock.advance(Duration.ofSeconds(10));
        granted(replicaB, "pa", limits, 1);
        Admission.Denied no = denied(replicaA, "pa", limits, 1);
        assertThat(no.metric()).isEqualTo(QuotaMetric.RPM);
        assertThat(no.retryAfter()).isEqualTo(WINDOW.minusSeconds(10));
        granted(replicaB, "pb", limits, 1);
        clock.advance(no.retryAfter());
        granted(replicaB, "pa", limits, 1);
    }

    @Test
    void refundAndReconciliationAreSeenByTheOtherReplica() {
        QuotaLimits limits = QuotaLimits.of(5L, 1000L, 10L);
        QuotaReservation a = granted(replicaA, "pa", limits, 600);
        QuotaReservation b = granted(replicaA, "pa", limits, 300);
        assertThat(denied(replicaB, "pa", limits, 200).metric()).isEqualTo(QuotaMetric.TPM);
        replicaA.reconcile(a, 100).block();
        assertThat(replicaB.headroom("pa", M, limits)).isEqualTo(new Headroom(3, 600, 8));
        replicaA.refund(b).block();
        replicaA.refund(b).block();
        assertThat(replicaB.headroom("pa", M, limits)).isEqualTo(new Headroom(4, 900, 9));
        granted(replicaB, "pa", limits, 900);
        assertThat(denied(replicaB, "pa", limits, 1).retryAfter()).isEqualTo(WINDOW);
    }

    @Test
    void usageIsTheSharedCountsWithWhenTheOldestAdmissionLeaves() {
        QuotaLimits limits = QuotaLimits.of(5L, 1000L, 10L);
        Instant first = clock.instant();
        granted(replicaA, "pu", limits, 600);
        clock.advance(Duration.ofSeconds(20));
        granted(replicaB, "pu", limits, 100);
        QuotaUsage seen = replicaB.usage("pu", M, limits).block();
        assertThat(seen).isEqualTo(new QuotaUsage(2, 700, 2, first.plus(WINDOW), "redis"));
        // the other replica reads the same figures
        assertThat(replicaA.usage("pu", M, limits).block()).isEqualTo(seen);
        clock.advance(WINDOW.minusSeconds(20));
        assertThat(replicaA.usage("pu", M, limits).block())
                .isEqualTo(new QuotaUsage(1, 100, 2, first.plusSeconds(20).plus(WINDOW), "redis"));
        assertThat(replicaA.usage("unused", M, limits).block()).isEqualTo(new QuotaUsage(0, 0, 0, null, "redis"));
    }

    @Test
    void theDayResetsAtPacificMidnightOnTheFallBackDay() {
        clock.set(Instant.parse("2026-11-01T07:00:00Z"));
        QuotaLimits limits = QuotaLimits.of(null, null, 2L);
        granted(replicaA, "pa", limits, 1);
        granted(replicaB, "pa", limits, 1);
        assertThat(denied(replicaA, "pa", limits, 1).retryAfter()).isEqualTo(Duration.ofHours(25));
        clock.set(Instant.parse("2026-11-02T07:59:59Z"));
        assertThat(denied(replicaB, "pa", limits, 1).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        clock.set(Instant.parse("2026-11-02T08:00:00Z"));
        granted(replicaA, "pa", limits, 1);
    }

    @Test
    void aLearnedDayLimitReplacesTheStoredOneAndExhaustTakesTheRest() {
        QuotaLimits configured = QuotaLimits.of(null, null, 100L);
        granted(replicaA, "pa", configured, 1);
        granted(replicaA, "pa", configured, 1);
        QuotaLimits learned = QuotaLimits.of(null, null, 5L);
        assertThat(replicaB.headroom("pa", M, learned).requestsToday()).isEqualTo(3);
        replicaB.exhaust("pa", M, QuotaMetric.RPD, learned).block();
        assertThat(denied(replicaA, "pa", learned, 1).metric()).isEqualTo(QuotaMetric.RPD);
    }

    @Test
    void redisKeysNameProjectsAndModelsOnly() {
        granted(replicaA, "pa", QuotaLimits.of(5L, 1000L, 10L), 10);
        List<String> keys = List.of(redis.cli("KEYS", "gq-test:*").split("\\R"));
        assertThat(keys).isNotEmpty().allMatch(k -> k.startsWith("gq-test:{pa/" + M + "}"));
    }

    @Test
    void theAutoConfigurationBuildsThemOnSpringDataRedisWhenAskedTo() {
        new org.springframework.boot.test.context.runner.ApplicationContextRunner()
                .withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(
                        dev.geminigateway.autoconfigure.QuotaAutoConfiguration.class,
                        dev.geminigateway.autoconfigure.GeminiGatewayAutoConfiguration.class,
                        org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration.class))
                .withBean(org.springframework.cloud.gateway.config.GatewayProperties.class)
                .withPropertyValues("gemini.gateway.groups.free.keys=AIzaSyAutoConfigKey1xxxxxxxxxxxxxxxxxxxxxx@pa")
                .withPropertyValues("gemini.gateway.quota.ledgers=redis",
                        "spring.data.redis.url=" + redis.url(),
                        "gemini.gateway.store.type=in-memory")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(QuotaLedgers.class).kind()).isEqualTo("redis");
                });
    }

    @Test
    void whenRedisGoesDownTheReplicaDecidesOnItsOwnLedgersInsteadOfFailing() {
        try (OwnRedis own = ownRedis();
                RedisQuotaLedgers ledgers = new RedisQuotaLedgers(own::client, clock, MARGIN, Duration.ofMillis(500),
                        "gq-down", 100)) {
            QuotaLimits limits = QuotaLimits.of(1L, null, 5L);
            ledgers.ready(Duration.ofSeconds(10)).block();
            assertThat(granted(ledgers, "pa", limits, 1).tracked()).isTrue();
            own.server().kill();
            // Redis would refuse this one; unreachable, the replica's own (empty) ledger takes it and counts it
            QuotaReservation local = granted(ledgers, "pa", limits, 1);
            assertThat(local.tracked()).isTrue();
            assertThat(ledgers.degraded()).isTrue();
            assertThat(denied(ledgers, "pa", limits, 1).metric()).isEqualTo(QuotaMetric.RPM);
            // the console's usage read says it is this replica's own count that answers
            assertThat(ledgers.usage("pa", M, limits).block().ledger()).isEqualTo("local");
            assertThat(ledgers.usage("pa", M, limits).block().requestsThisMinute()).isEqualTo(1);
            ledgers.refund(local).block();
            assertThat(ledgers.headroom("pa", M, limits)).isEqualTo(new Headroom(1, QuotaLimits.NONE, 5));
        }
    }

    @Test
    void whileRedisStaysDownNoCallWaitsForTheTimeout() {
        // The pause after a failure runs on this ticker, so the test steps past it instead of waiting it out.
        AtomicLong pauseTime = new AtomicLong();
        // A timeout beyond the 5 s bounds below, so a call that waited for Redis could not finish within them;
        // no longer than that, since the first call after the kill may wait it out.
        try (OwnRedis own = ownRedis();
                RedisQuotaLedgers ledgers = new RedisQuotaLedgers(own::client, clock, MARGIN, Duration.ofSeconds(8),
                        "gq-outage", 100, pauseTime::get)) {
            QuotaLimits limits = QuotaLimits.of(1000L, null, 100_000L);
            ledgers.ready(Duration.ofSeconds(10)).block();
            assertThat(granted(ledgers, "pa", limits, 1).tracked()).isTrue();
            own.server().kill();
            // the first call may still meet the connection before Lettuce has seen it close
            ledgers.tryReserve("g", "pa", M, limits, 1).block(Duration.ofSeconds(15));
            assertThat(ledgers.degraded()).isTrue();
            // past the pause after a failure (1 s): Redis is still down, and Lettuce is reconnecting
            pauseTime.addAndGet(Duration.ofSeconds(1).plusMillis(1).toNanos());
            for (int i = 0; i < 5; i++) {
                assertThat(ledgers.tryReserve("g", "pa", M, limits, 1).block(Duration.ofSeconds(5)))
                        .as("call %d while Redis is down", i).isInstanceOf(Admission.Granted.class);
            }
        }
    }

    /** Lua's stack holds about 8,000 values: a window of 20,000 admissions must be checked and pruned whole. */
    @Test
    void aWindowOfTwentyThousandAdmissionsIsCheckedAndPruned() {
        int entries = 20_000;
        String tag = "gq-test:{pa/" + M + "}";
        long at = clock.millis();
        Map<String, String> tokens = new HashMap<>();
        ScoredValue<String>[] admissions = new ScoredValue[entries];
        for (int i = 0; i < entries; i++) {
            admissions[i] = ScoredValue.just(at, "seed" + i);
            tokens.put("seed" + i, "1");
        }
        try (StatefulRedisConnection<String, String> seed = client().connect()) {
            seed.sync().zadd(tag + ":z", admissions);
            seed.sync().hset(tag + ":h", tokens);
            seed.sync().set(tag + ":t", Integer.toString(entries));
        }
        clock.advance(Duration.ofSeconds(5));

        Admission.Denied full = denied(replicaA, "pa", QuotaLimits.of((long) entries, null, null), 1);
        assertThat(full.metric()).isEqualTo(QuotaMetric.RPM);
        assertThat(full.retryAfter()).isEqualTo(WINDOW.minusSeconds(5));
        assertThat(denied(replicaA, "pa", QuotaLimits.of(null, (long) entries, null), 1).retryAfter())
                .isEqualTo(WINDOW.minusSeconds(5));
        granted(replicaB, "pa", QuotaLimits.of(entries + 1L, null, null), 1);
        assertThat(replicaA.degraded()).isFalse();

        clock.advance(WINDOW);
        granted(replicaA, "pa", QuotaLimits.of(1L, null, null), 1);
        assertThat(replicaB.headroom("pa", M, QuotaLimits.of(10L, 100L, null))).isEqualTo(new Headroom(9, 99,
                QuotaLimits.NONE));
    }
}
