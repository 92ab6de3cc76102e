package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.client.ClientBudgets;
import dev.geminigateway.client.ClientRateLimiter;
import dev.geminigateway.client.TokenBudget;
import dev.geminigateway.quota.Admission;
import dev.geminigateway.quota.QuotaLimits;
import dev.geminigateway.quota.QuotaReservation;
import dev.geminigateway.support.MutableClock;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot path's promise, counted on a redis-server of its own ({@code INFO commandstats} before and after): a
 * request costs at most one Redis round trip, the quota admission script, which also carries the usage corrections
 * of earlier requests; budgets far from their limits and client buckets with large limits cost none per request.
 */
class RedisRoundTripsPerRequestTest extends StandaloneRedisTest {

    private static final int REQUESTS = 50;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String M = "gemini-2.5-flash";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
    private RedisClient client;
    private LettuceConnectionFactory factory;

    @BeforeEach
    void connect() {
        client = RedisClient.create(redis.url());
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
        factory.afterPropertiesSet();
        factory.start();
    }

    @AfterEach
    void disconnect() {
        factory.destroy();
        client.shutdown();
    }

    @Test
    void anAdmissionIsOneScriptCallThatAlsoCarriesTheEarlierRequestsUsageCorrections() {
        // a deadline longer than the test: every correction must ride with an admission, or go at close
        RedisQuotaLedgers ledgers = new RedisQuotaLedgers(() -> client, clock, Duration.ofMillis(250), WAIT, "gq-trips",
                100, System::nanoTime, Duration.ofMinutes(5));
        QuotaLimits limits = QuotaLimits.of(100_000L, 1_000_000_000L, 1_000_000L);
        reserve(ledgers, limits, 1000); // loads the script
        long before = scriptCalls();

        long realTotal = 0;
        for (int i = 0; i < REQUESTS; i++) {
            QuotaReservation reservation = reserve(ledgers, limits, 1000);
            long real = 10 + i;
            ledgers.reconcile(reservation, real).subscribe();
            realTotal += real;
        }
        assertThat(scriptCalls() - before).as("one script call per admission, corrections included")
                .isEqualTo(REQUESTS);
        // the last request's correction has had no admission to ride with yet
        assertThat(Long.parseLong(redis.cli("GET", "gq-trips:{p1/" + M + "}:t")))
                .isEqualTo(1000 + realTotal - (10 + REQUESTS - 1) + 1000);

        ledgers.close();
        assertThat(scriptCalls() - before).as("closing sends what waits, in one call").isEqualTo(REQUESTS + 1);
        assertThat(Long.parseLong(redis.cli("GET", "gq-trips:{p1/" + M + "}:t"))).isEqualTo(1000 + realTotal);
    }

    @Test
    void aCorrectionNoAdmissionTakesIsSentWithinItsDeadline() {
        RedisQuotaLedgers ledgers = new RedisQuotaLedgers(() -> client, clock, Duration.ofMillis(250), WAIT, "gq-trips",
                100, System::nanoTime, Duration.ofMillis(50));
        QuotaLimits limits = QuotaLimits.of(100L, 1_000_000L, null);
        QuotaReservation reservation = reserve(ledgers, limits, 1000);
        ledgers.reconcile(reservation, 7).block(WAIT);
        assertThat(redis.cli("GET", "gq-trips:{p1/" + M + "}:t")).isEqualTo("7");
        assertThat(ledgers.pendingCorrections()).isZero();
        ledgers.close();
    }

    @Test
    void budgetsFarFromTheirLimitsCountLocallyAndSendTheCountsInOneCall() {
        RedisClientBudgets shared = new RedisClientBudgets(new ReactiveStringRedisTemplate(factory), WAIT,
                Duration.ofMinutes(5));
        ClientBudgets budgets = new ClientBudgets(Map.of("big-app", new TokenBudget(1_000_000, 0, 0, 0, 0, 0)),
                ZoneId.of("UTC"), Clock.systemUTC(), shared, null);
        assertThat(budgets.admit("big-app").block(WAIT)).as("first request: the totals are read").isNull();
        long before = scriptCalls();

        for (int i = 0; i < REQUESTS; i++) {
            assertThat(budgets.admit("big-app").block(WAIT)).isNull();
            budgets.record("big-app", new Usage(10, 5, 5));
        }
        assertThat(scriptCalls() - before).as("no call per request").isZero();

        shared.flush().block(WAIT);
        assertThat(scriptCalls() - before).isEqualTo(1);
        String day = java.time.LocalDate.now(ZoneId.of("UTC")).toString();
        String key = "gemini-gateway:budget:{big-app}:d:" + day;
        assertThat(redis.cli("HGET", key, "r")).isEqualTo(Integer.toString(REQUESTS + 1));
        assertThat(redis.cli("HGET", key, "i")).isEqualTo(Integer.toString(10 * REQUESTS));
        assertThat(redis.cli("HGET", key, "o")).isEqualTo(Integer.toString(5 * REQUESTS));
    }

    @Test
    void aBudgetNearItsLimitIsCountedInRedisOnEveryRequest() {
        RedisClientBudgets shared = new RedisClientBudgets(new ReactiveStringRedisTemplate(factory), WAIT,
                Duration.ofMinutes(5));
        ClientBudgets budgets = new ClientBudgets(Map.of("small-app", new TokenBudget(100, 0, 0, 0, 0, 0)),
                ZoneId.of("UTC"), Clock.systemUTC(), shared, null);
        for (int i = 0; i < 97; i++) {
            assertThat(budgets.admit("small-app").block(WAIT)).isNull();
        }
        long before = scriptCalls();
        assertThat(budgets.admit("small-app").block(WAIT)).as("98th: within the last 1/50, asked").isNull();
        assertThat(scriptCalls() - before).isEqualTo(1);
        String day = java.time.LocalDate.now(ZoneId.of("UTC")).toString();
        assertThat(redis.cli("HGET", "gemini-gateway:budget:{small-app}:d:" + day, "r"))
                .as("the exact call took the counts waiting before it along").isEqualTo("98");
    }

    @Test
    void aClientBucketWithALargeLimitIsNotSynchronisedOnEveryRequest() {
        RedisClientBuckets shared = new RedisClientBuckets(() -> client, WAIT, ClientRateLimiter.timeMeter(Clock.systemUTC()));
        ClientRateLimiter limiter = new ClientRateLimiter(new ClientRateLimiter.Config().setRequestsPerMinute(10_000),
                100, Clock.systemUTC(), null, shared);
        assertThat(limiter.consume("route|203.0.113.9", limiter.getDefaults()).block(WAIT).isAllowed()).isTrue();
        long before = scriptCalls();
        for (int i = 0; i < 4 * REQUESTS; i++) {
            assertThat(limiter.consume("route|203.0.113.9", limiter.getDefaults()).block(WAIT).isAllowed()).isTrue();
        }
        // each synchronisation is one compare-and-swap script (after a read); without the optimization, one per request
        assertThat(scriptCalls() - before).isLessThan(REQUESTS);
        assertThat(limiter.trackedClients()).as("counted through the shared bucket, not the local stand-in").isZero();
    }

    private QuotaReservation reserve(RedisQuotaLedgers ledgers, QuotaLimits limits, long tokens) {
        Admission admission = ledgers.tryReserve("g", "p1", M, limits, tokens).block(WAIT);
        assertThat(admission).isInstanceOf(Admission.Granted.class);
        assertThat(ledgers.degraded()).isFalse();
        return ((Admission.Granted) admission).reservation();
    }

    /** EVAL and EVALSHA calls the server has run: every call of these stores is a script. */
    private static long scriptCalls() {
        long calls = 0;
        for (String line : redis.cli("INFO", "commandstats").split("\\R")) {
            if (line.startsWith("cmdstat_eval:") || line.startsWith("cmdstat_evalsha:")) {
                String field = line.substring(line.indexOf("calls=") + 6);
                calls += Long.parseLong(field.substring(0, field.indexOf(',')));
            }
        }
        return calls;
    }
}
