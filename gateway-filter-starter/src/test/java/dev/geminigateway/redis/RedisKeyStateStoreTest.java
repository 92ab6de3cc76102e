package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Two store replicas on one real redis-server: propagation, merge rules, restarts and a Redis outage. */
class RedisKeyStateStoreTest extends StandaloneRedisTest {

    /** Pub/sub propagation takes milliseconds (measured in the benchmarks); the bound only tolerates a loaded machine. */
    private static final Duration PROPAGATION = Duration.ofSeconds(5);

    private static final String FLASH = "gemini-2.5-flash";

    private final List<RedisKeyStateStore> stores = new ArrayList<>();
    private final List<LettuceConnectionFactory> factories = new ArrayList<>();

    @AfterEach
    void closeReplicas() {
        stores.forEach(RedisKeyStateStore::stop);
        factories.forEach(LettuceConnectionFactory::destroy);
    }

    @Test
    void aChangeOnOneReplicaReachesTheOtherWithinMilliseconds() {
        RedisKeyStateStore a = replica(new SimpleMeterRegistry());
        RedisKeyStateStore b = replica(new SimpleMeterRegistry());
        for (int i = 0; i < 20; i++) { // warm-up, not measured
            String id = "warm" + i;
            a.setState(id, new KeyState.Disabled(Instant.now(), "operator"));
            Await.until(Duration.ofSeconds(3), "warm-up change " + i, () -> b.state(id) instanceof KeyState.Disabled);
        }
        long[] micros = new long[100];
        for (int i = 0; i < micros.length; i++) {
            String id = "key" + i;
            a.setState(id, new KeyState.Quarantined(Instant.now(), "API_KEY_INVALID"));
            micros[i] = Await.until(PROPAGATION, "quarantine of " + id + " on the other replica",
                    () -> b.state(id) instanceof KeyState.Quarantined) / 1000;
        }
        Instant until = Instant.now().plusSeconds(60);
        b.coolDown(new Cooldown("pa", FLASH, until, "minute quota"));
        long cooldownMicros = Await.until(PROPAGATION, "cooldown on the other replica",
                () -> a.cooldown("pa", FLASH, Instant.now()).isPresent()) / 1000;
        Arrays.sort(micros);
        // Reported, not asserted: each change had to arrive within PROPAGATION; a tighter bound fails under load.
        System.out.printf("Redis store propagation A->B over %d changes: median %d us, p99 %d us, max %d us; "
                + "cooldown B->A %d us%n", micros.length, micros[micros.length / 2], micros[micros.length * 99 / 100],
                micros[micros.length - 1], cooldownMicros);
        assertThat(a.cooldown("pa", FLASH, Instant.now())).get().extracting(Cooldown::until)
                .isEqualTo(until.truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void theLaterStateAndTheLongerCooldownWinOnEveryReplica() {
        RedisKeyStateStore a = replica(new SimpleMeterRegistry());
        RedisKeyStateStore b = replica(new SimpleMeterRegistry());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        a.coolDown(new Cooldown("pa", FLASH, now.plusSeconds(60), "day quota"));
        Await.until(PROPAGATION, "cooldown on b", () -> b.cooldown("pa", FLASH, now).isPresent());
        b.coolDown(new Cooldown("pa", FLASH, now.plusSeconds(10), "minute quota"));
        a.setState("k1", new KeyState.Quarantined(now, "leaked"));
        Await.until(PROPAGATION, "quarantine on b", () -> b.state("k1") instanceof KeyState.Quarantined);
        b.setState("k1", KeyState.Active.INSTANCE);
        Await.until(PROPAGATION, "activation on a", () -> a.state("k1") instanceof KeyState.Active);
        awaitSynced(a, b);

        assertThat(b.cooldown("pa", FLASH, now).get().until()).isEqualTo(now.plusSeconds(60));
        assertThat(a.cooldown("pa", FLASH, now).get().until()).isEqualTo(now.plusSeconds(60));
        assertThat(b.state("k1")).isInstanceOf(KeyState.Active.class);
        // Cooldowns carry a TTL: the project hash expires with its latest cooldown.
        long ttl = Long.parseLong(redis.cli("PTTL", "{gkr}:cool:pa"));
        assertThat(ttl).isBetween(50_000L, 60_000L);
        assertThat(redis.cli("KEYS", "*")).contains("{gkr}:states", "{gkr}:cool:pa", "{gkr}:cool-projects");
    }

    @Test
    void aRestartedReplicaLoadsQuarantinesCooldownsAndFailures() {
        RedisKeyStateStore a = replica(new SimpleMeterRegistry());
        Instant now = Instant.now();
        a.setState("bad", new KeyState.Quarantined(now, "API_KEY_INVALID"));
        a.setState("off", new KeyState.Disabled(now, "operator"));
        a.setState("benched", new KeyState.CoolingDown(now.plusSeconds(300), "benched after 3 failures"));
        a.coolDown(new Cooldown("pb", Cooldown.ALL_MODELS, now.plusSeconds(120), "capacity"));
        a.recordFailure("flaky");
        a.recordFailure("flaky");
        awaitSynced(a);
        a.stop();

        RedisKeyStateStore restarted = replica(new SimpleMeterRegistry());
        assertThat(restarted.connected()).isTrue();
        assertThat(restarted.state("bad")).isEqualTo(new KeyState.Quarantined(now.truncatedTo(ChronoUnit.MILLIS), "API_KEY_INVALID"));
        assertThat(restarted.state("off")).isInstanceOf(KeyState.Disabled.class);
        assertThat(restarted.state("benched")).isInstanceOf(KeyState.CoolingDown.class);
        assertThat(restarted.cooldown("pb", "gemini-2.5-pro", now)).isPresent();
        assertThat(restarted.consecutiveFailures("flaky")).isEqualTo(2);
        assertThat(restarted.consecutiveFailures("other")).isZero();
    }

    @Test
    void failureStreaksArePoolWideAndOneSuccessEndsThem() {
        RedisKeyStateStore a = replica(new SimpleMeterRegistry());
        RedisKeyStateStore b = replica(new SimpleMeterRegistry());
        a.recordFailure("k");
        a.recordFailure("k");
        Await.until(PROPAGATION, "failures on b", () -> b.consecutiveFailures("k") == 2);
        assertThat(b.recordFailure("k")).isEqualTo(3);
        Await.until(PROPAGATION, "third failure on a", () -> a.consecutiveFailures("k") == 3);
        a.recordSuccess("k");
        Await.until(PROPAGATION, "reset on b", () -> b.consecutiveFailures("k") == 0);
        awaitSynced(a, b);
        assertThat(redis.cli("HEXISTS", "{gkr}:failures", "k")).isEqualTo("0");
    }

    @Test
    void clearingAProjectsCooldownsReachesEveryReplica() {
        RedisKeyStateStore a = replica(new SimpleMeterRegistry());
        RedisKeyStateStore b = replica(new SimpleMeterRegistry());
        Instant now = Instant.now();
        a.coolDown(new Cooldown("pc", FLASH, now.plusSeconds(30), "minute quota"));
        a.coolDown(new Cooldown("pc", "gemini-2.5-pro", now.plusSeconds(30), "minute quota"));
        Await.until(PROPAGATION, "cooldowns on b", () -> b.cooldowns(now).size() == 2);
        b.clearCooldowns("pc");
        Await.until(PROPAGATION, "clear on a", () -> a.cooldowns(now).isEmpty());
        awaitSynced(a, b);
        assertThat(redis.cli("EXISTS", "{gkr}:cool:pc")).isEqualTo("0");
    }

    @Test
    void aRedisOutageFailsNothingAndTheStateConvergesWhenItReturns() {
        MeterRegistry metersA = new SimpleMeterRegistry();
        RedisKeyStateStore a = replica(metersA);
        RedisKeyStateStore b = replica(new SimpleMeterRegistry());
        Instant now = Instant.now();
        a.setState("before", new KeyState.Quarantined(now, "leaked"));
        Await.until(PROPAGATION, "quarantine on b", () -> b.state("before") instanceof KeyState.Quarantined);

        redis.kill();
        assertThatCode(() -> {
            a.setState("during", new KeyState.Quarantined(now, "API_KEY_INVALID"));
            a.coolDown(new Cooldown("pd", FLASH, now.plusSeconds(60), "minute quota"));
            a.recordFailure("flaky");
        }).doesNotThrowAnyException();
        assertThat(a.state("during")).isInstanceOf(KeyState.Quarantined.class);
        Await.until(Duration.ofSeconds(5), "a notices the outage", () -> !a.connected());
        Await.until(Duration.ofSeconds(5), "b notices the outage", () -> !b.connected());
        assertThat(b.state("before")).as("b keeps serving its local view").isInstanceOf(KeyState.Quarantined.class);
        assertThat(metersA.counter(RedisKeyStateStore.ERRORS_METER).count()).isPositive();
        assertThat(a.pendingWrites()).isPositive();

        redis.restart(); // empty: no persistence
        long converged = Await.until(Duration.ofSeconds(15), "b learns what a did while Redis was down",
                () -> b.state("during") instanceof KeyState.Quarantined && b.cooldown("pd", FLASH, now).isPresent()
                        && a.connected() && b.connected());
        System.out.printf("Redis store: converged %d ms after redis-server restarted%n", converged / 1_000_000);
        awaitSynced(a, b);
        assertThat(b.state("before")).isInstanceOf(KeyState.Quarantined.class);
        // Both replicas re-asserted their views, so the emptied Redis holds everything again.
        assertThat(redis.cli("HKEYS", "{gkr}:states")).contains("before", "during");
        assertThat(redis.cli("EXISTS", "{gkr}:cool:pd")).isEqualTo("1");
    }

    @Test
    void anOperatorsDisableIsStickyOnEveryReplicaAndOnlyAnOperatorEndsIt() {
        RedisKeyStateStore a = replica(new SimpleMeterRegistry());
        RedisKeyStateStore b = replica(new SimpleMeterRegistry());
        Instant now = Instant.now();
        a.setOperatorState("off", new KeyState.Disabled(now, "operator"));
        Await.until(PROPAGATION, "disable on b", () -> b.state("off") instanceof KeyState.Disabled);

        // evidence on either replica (a bench, a quarantine, a probe's or a success's ACTIVE) leaves it disabled
        b.setState("off", new KeyState.Quarantined(now.plusSeconds(1), "API_KEY_INVALID"));
        b.setState("off", new KeyState.CoolingDown(now.plusSeconds(60), "benched"));
        b.setState("off", KeyState.Active.INSTANCE);
        a.setState("off", KeyState.Active.INSTANCE);
        awaitSynced(a, b);
        assertThat(a.state("off")).isInstanceOf(KeyState.Disabled.class);
        assertThat(b.state("off")).isInstanceOf(KeyState.Disabled.class);
        assertThat(redis.cli("HGET", "{gkr}:states", "off")).contains("\"k\":\"DISABLED\"");

        // a disable b has not heard of (in Redis, its event missed) and stamped before b's evidence: b yields to it
        redis.cli("HSET", "{gkr}:states", "late", "{\"k\":\"DISABLED\",\"at\":" + (now.toEpochMilli() - 60_000)
                + ",\"s\":" + (now.toEpochMilli() - 60_000) + ",\"r\":\"operator\",\"op\":true}");
        b.setState("late", new KeyState.Quarantined(now, "API_KEY_INVALID"));
        Await.until(Duration.ofSeconds(2), "b takes the operator's disable",
                () -> b.state("late") instanceof KeyState.Disabled);
        assertThat(redis.cli("HGET", "{gkr}:states", "late")).contains("DISABLED");

        // the operator's enable ends it everywhere, and evidence counts again after it
        b.setOperatorState("off", KeyState.Active.INSTANCE);
        Await.until(PROPAGATION, "enable on a", () -> a.state("off") instanceof KeyState.Active);
        a.setState("off", new KeyState.Quarantined(Instant.now(), "API_KEY_INVALID"));
        Await.until(PROPAGATION, "quarantine on b", () -> b.state("off") instanceof KeyState.Quarantined);

        // and a disable outlives every replica
        a.setOperatorState("gone", new KeyState.Disabled(Instant.now(), "removed by an operator"));
        awaitSynced(a, b);
        a.stop();
        b.stop();
        RedisKeyStateStore restarted = replica(new SimpleMeterRegistry());
        restarted.setState("gone", KeyState.Active.INSTANCE);
        assertThat(restarted.state("gone")).isInstanceOfSatisfying(KeyState.Disabled.class,
                disabled -> assertThat(disabled.reason()).isEqualTo("removed by an operator"));
    }

    private RedisKeyStateStore replica(MeterRegistry meters) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
        factory.afterPropertiesSet();
        factories.add(factory);
        RedisKeyStateStore store = new RedisKeyStateStore(new ReactiveStringRedisTemplate(factory), factory,
                new RedisStoreProperties.Redis("gkr", Duration.ofMillis(100), Duration.ofSeconds(1),
                        Duration.ofSeconds(3)), Clock.systemUTC(), meters);
        store.start();
        stores.add(store);
        return store;
    }

    private static void awaitSynced(RedisKeyStateStore... replicas) {
        for (RedisKeyStateStore replica : replicas) {
            Await.until(Duration.ofSeconds(5), "writes confirmed by Redis", () -> replica.pendingWrites() == 0);
        }
    }
}
