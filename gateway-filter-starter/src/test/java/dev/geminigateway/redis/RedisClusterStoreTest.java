package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** The store on a three-node Redis Cluster: every script runs in the pool's one slot, changes still propagate. */
class RedisClusterStoreTest {

    private static final String FLASH = "gemini-2.5-flash";
    private static RedisClusterProcess cluster;

    private final List<RedisKeyStateStore> stores = new ArrayList<>();
    private final List<LettuceConnectionFactory> factories = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcess.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void closeReplicas() {
        stores.forEach(RedisKeyStateStore::stop);
        factories.forEach(LettuceConnectionFactory::destroy);
    }

    @Test
    void quarantinesCooldownsAndFailuresRoundTripOnACluster() {
        MeterRegistry metersA = new SimpleMeterRegistry();
        MeterRegistry metersB = new SimpleMeterRegistry();
        RedisKeyStateStore a = replica(metersA);
        RedisKeyStateStore b = replica(metersB);
        assertThat(a.connected()).isTrue();
        assertThat(b.connected()).isTrue();
        Instant now = Instant.now();

        a.setState("bad", new KeyState.Quarantined(now, "API_KEY_INVALID"));
        long quarantine = Await.until(Duration.ofSeconds(2), "quarantine reaches b",
                () -> b.state("bad") instanceof KeyState.Quarantined);
        b.coolDown(new Cooldown("pa", FLASH, now.plusSeconds(60), "minute quota"));
        b.coolDown(new Cooldown("pb", Cooldown.ALL_MODELS, now.plusSeconds(60), "capacity"));
        a.recordFailure("flaky");
        Await.until(Duration.ofSeconds(2), "cooldowns reach a", () -> a.cooldowns(now).size() == 2);
        Await.until(Duration.ofSeconds(2), "failure reaches b", () -> b.consecutiveFailures("flaky") == 1);
        a.clearCooldowns("pb");
        Await.until(Duration.ofSeconds(2), "clear reaches b", () -> b.cooldown("pb", FLASH, now).isEmpty());
        Await.until(Duration.ofSeconds(5), "writes confirmed", () -> a.pendingWrites() == 0 && b.pendingWrites() == 0);
        System.out.printf("Redis Cluster: quarantine A->B in %d us%n", quarantine / 1000);

        // No script failed (a CROSSSLOT error would count here and leave writes pending).
        assertThat(metersA.counter(RedisKeyStateStore.ERRORS_METER).count()).isZero();
        assertThat(metersB.counter(RedisKeyStateStore.ERRORS_METER).count()).isZero();
        // Everything sits in the slot of the {gkr} tag, on one node.
        RedisServerProcess owner = cluster.ownerOf("{gkr}:states");
        assertThat(cluster.ownerOf("{gkr}:cool:pa")).isSameAs(owner);
        assertThat(cluster.ownerOf("{gkr}:failures")).isSameAs(owner);
        assertThat(owner.cli("HKEYS", "{gkr}:states")).contains("bad");
        assertThat(owner.cli("EXISTS", "{gkr}:cool:pa")).isEqualTo("1");
        assertThat(owner.cli("EXISTS", "{gkr}:cool:pb")).isEqualTo("0");

        // A new replica loads it all from the cluster.
        RedisKeyStateStore c = replica(new SimpleMeterRegistry());
        assertThat(c.state("bad")).isInstanceOf(KeyState.Quarantined.class);
        assertThat(c.cooldown("pa", FLASH, Instant.now())).isPresent();
        assertThat(c.cooldown("pb", FLASH, Instant.now())).isEmpty();
        assertThat(c.consecutiveFailures("flaky")).isEqualTo(1);
    }

    private RedisKeyStateStore replica(MeterRegistry meters) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisClusterConfiguration(cluster.nodeAddresses()));
        factory.afterPropertiesSet();
        factories.add(factory);
        RedisKeyStateStore store = new RedisKeyStateStore(new ReactiveStringRedisTemplate(factory), factory,
                new RedisStoreProperties.Redis("gkr", Duration.ofMillis(100), Duration.ofSeconds(2),
                        Duration.ofSeconds(5)), Clock.systemUTC(), meters);
        store.start();
        stores.add(store);
        return store;
    }
}
