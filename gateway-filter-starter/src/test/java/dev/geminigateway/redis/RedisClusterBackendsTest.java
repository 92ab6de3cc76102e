package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.geminigateway.affinity.LocalResourceOwners;
import dev.geminigateway.client.ClientRateLimiter;
import dev.geminigateway.outcome.PacificDay;
import dev.geminigateway.quota.Admission;
import dev.geminigateway.quota.QuotaLimits;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaPolicy;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quota ledgers, learned limits, client buckets and resource owners on a real Redis Cluster of three masters, each
 * with a replica, reached through Spring Data Redis's default cluster connection (what {@code
 * spring.data.redis.cluster.nodes} gives): every script's keys share one slot (a CROSSSLOT error would degrade the
 * backend), and a master failing over under load fails no call.
 */
class RedisClusterBackendsTest {

    private static final String FLASH = "gemini-2.5-flash";
    /** How often a wait that asks Redis asks again. */
    private static final Duration POLL = Duration.ofMillis(50);
    private static RedisClusterProcess cluster;

    private final List<LettuceConnectionFactory> factories = new ArrayList<>();
    private final List<RedisQuotaLedgers> ledgers = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcess.start(3, 1);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void closeReplicas() {
        ledgers.forEach(RedisQuotaLedgers::close);
        factories.forEach(LettuceConnectionFactory::destroy);
    }

    @Test
    void ledgersAndLearnedLimitsAreSharedOnACluster() {
        // One instant for the whole test: no Pacific midnight can fall between the writes and the checks.
        Clock now = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        RedisQuotaLedgers a = ledgers("gq-shared", now);
        RedisQuotaLedgers b = ledgers("gq-shared", now);
        QuotaLimits limits = QuotaLimits.of(3L, 1000L, 100L);

        List<Admission> admissions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            admissions.add((i % 2 == 0 ? a : b).tryReserve("g", "pa", FLASH, limits, 10).block());
        }
        assertThat(admissions).allMatch(Admission.Granted.class::isInstance);
        assertThat(b.tryReserve("g", "pa", FLASH, limits, 10).block()).as("one shared minute, on the cluster")
                .isInstanceOf(Admission.Denied.class);
        assertThat(a.degraded()).isFalse();
        assertThat(b.degraded()).isFalse();
        // The window, tokens and today's count of (project, model) sit in one slot, on one master.
        String tag = "gq-shared:{pa/" + FLASH + "}";
        RedisServerProcess owner = cluster.ownerOf(tag + ":z");
        assertThat(cluster.ownerOf(tag + ":t")).isSameAs(owner);
        assertThat(owner.cli("ZCARD", tag + ":z")).isEqualTo("3");
        assertThat(owner.cli("GET", tag + ":d:" + LocalDate.ofInstant(now.instant(), PacificDay.ZONE))).isEqualTo("3");

        Instant midnight = PacificDay.nextMidnight(now.instant());
        a.share("pb", FLASH, QuotaMetric.RPM, 7, midnight).block();
        QuotaPolicy otherReplica = new QuotaPolicy(Map.of(), now);
        new SharedLearnedLimits(b, otherReplica, Duration.ofSeconds(1)).refresh().block();
        assertThat(otherReplica.limits("g", "pb", FLASH).rpm()).isEqualTo(7);
    }

    @Test
    void clientBucketsAndResourceOwnersAreSharedOnACluster() {
        ClientRateLimiter a = limiter(3);
        ClientRateLimiter b = limiter(3);
        ClientRateLimiter.Config perMinute = a.getDefaults();
        int allowed = 0;
        for (int i = 0; i < 5; i++) {
            allowed += (i % 2 == 0 ? a : b).consume("route|203.0.113.9", perMinute).block().isAllowed() ? 1 : 0;
        }
        assertThat(allowed).as("one bucket for both replicas").isEqualTo(3);
        assertThat(a.trackedClients() + b.trackedClients()).as("nothing counted locally").isZero();

        RedisResourceOwners ownersA = owners();
        RedisResourceOwners ownersB = owners();
        ownersA.remember("files/on-cluster", "project-c", Instant.now().plusSeconds(600));
        awaitOwner(ownersB, "files/on-cluster", "project-c");
    }

    @Test
    void aMasterFailingOverUnderLoadFailsNoCall() throws Exception {
        RedisQuotaLedgers a = ledgers("gq-failover");
        RedisQuotaLedgers b = ledgers("gq-failover");
        ClientRateLimiter limiterA = limiter(1_000_000);
        ClientRateLimiter limiterB = limiter(1_000_000);
        RedisResourceOwners ownersA = owners();
        ownersA.remember("files/before-failover", "project-f", Instant.now().plusSeconds(600));
        QuotaLimits generous = QuotaLimits.of(1_000_000L, null, 1_000_000L);
        String windowKey = "gq-failover:{pf/" + FLASH + "}:z";
        assertThat(a.tryReserve("g", "pf", FLASH, generous, 1).block()).isInstanceOf(Admission.Granted.class);
        RedisServerProcess oldMaster = cluster.ownerOf(windowKey);

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (loading.get()) {
                RedisQuotaLedgers replica = i % 2 == 0 ? a : b;
                ClientRateLimiter limiter = i % 2 == 0 ? limiterA : limiterB;
                RedisResourceOwners owners = owners(); // a fresh replica asks Redis
                Mono<?> quota = replica.tryReserve("g", "pf", FLASH, generous, 1)
                        .doOnNext(admission -> assertThat(admission).isInstanceOf(Admission.Granted.class));
                Mono<?> bucket = limiter.consume("route|203.0.113.10", limiter.getDefaults())
                        .doOnNext(response -> assertThat(response.isAllowed()).isTrue());
                Mono<?> owner = owners.owner("files/before-failover").defaultIfEmpty("unknown");
                try {
                    Flux.merge(quota, bucket, owner).then().block(Duration.ofSeconds(10));
                    calls.addAndGet(3);
                }
                catch (RuntimeException | AssertionError failed) {
                    failures.add(failed);
                }
                i++;
            }
        });

        // Counted, not timed: the load is under way before the failover and goes on after it.
        Await.until(Duration.ofSeconds(30), POLL, "load under way", () -> calls.get() + failures.size() >= 30);
        RedisServerProcess newMaster = cluster.failOver(windowKey);
        assertThat(newMaster).isNotSameAs(oldMaster);
        int atFailover = calls.get() + failures.size();
        Await.until(Duration.ofSeconds(30), POLL, "load goes on after the failover",
                () -> calls.get() + failures.size() >= atFailover + 30);
        loading.set(false);
        load.get();

        assertThat(failures).as("no call failed during the failover").isEmpty();
        assertThat(calls.get()).isGreaterThan(30);
        // After the failover the ledgers are shared again, on the promoted master.
        Await.until(Duration.ofSeconds(10), POLL, "ledgers shared again", () -> {
            a.tryReserve("g", "pf", FLASH, generous, 1).block();
            return !a.degraded();
        });
        long before = Long.parseLong(newMaster.cli("ZCARD", windowKey));
        assertThat(b.tryReserve("g", "pf", FLASH, generous, 1).block()).isInstanceOf(Admission.Granted.class);
        assertThat(Long.parseLong(newMaster.cli("ZCARD", windowKey))).isEqualTo(before + 1);
        awaitOwner(owners(), "files/before-failover", "project-f");
    }

    @Test
    void aMasterKilledUnderLoadIsDecidedLocallyUntilItsReplicaTakesOverAndFailsNoCall() throws Exception {
        refreshTopology = true;
        RedisQuotaLedgers a = ledgers("gq-killed");
        RedisQuotaLedgers b = ledgers("gq-killed");
        QuotaLimits generous = QuotaLimits.of(1_000_000L, null, 1_000_000L);
        String windowKey = "gq-killed:{pk/" + FLASH + "}:z";
        assertThat(a.tryReserve("g", "pk", FLASH, generous, 1).block()).isInstanceOf(Admission.Granted.class);

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (loading.get()) {
                try {
                    Admission admission = (i++ % 2 == 0 ? a : b).tryReserve("g", "pk", FLASH, generous, 1)
                            .block(Duration.ofSeconds(10));
                    assertThat(admission).isInstanceOf(Admission.Granted.class);
                    calls.incrementAndGet();
                }
                catch (RuntimeException | AssertionError failed) {
                    failures.add(failed);
                }
            }
        });
        RedisServerProcess killed = cluster.killMasterOf(windowKey);
        try {
            RedisServerProcess promoted = cluster.awaitNewMasterOf(windowKey);
            assertThat(promoted).isNotSameAs(killed);
            // Shared again once the clients see the new topology: a grant from B lands in the promoted master.
            Await.until(Duration.ofSeconds(30), Duration.ofMillis(100), "ledgers shared again on the promoted master",
                    () -> {
                        assertThat(cluster.ownerOf(windowKey)).isSameAs(promoted);
                        long before = Long.parseLong(promoted.cli("ZCARD", windowKey));
                        b.tryReserve("g", "pk", FLASH, generous, 1).block();
                        return !b.degraded() && Long.parseLong(promoted.cli("ZCARD", windowKey)) > before;
                    });
            loading.set(false);
            load.get();
            assertThat(failures).as("no call failed while the master was down").isEmpty();
            assertThat(calls.get()).isGreaterThan(10);
        }
        finally {
            loading.set(false);
            cluster.rejoin(killed);
        }
    }

    /** Topology refresh as {@code spring.data.redis.lettuce.cluster.refresh.adaptive/period} configure it. */
    private boolean refreshTopology;

    private LettuceConnectionFactory factory() {
        LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder();
        if (refreshTopology) {
            client.clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(ClusterTopologyRefreshOptions
                    .builder().enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(5)).build())
                    .build());
        }
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisClusterConfiguration(cluster.nodeAddresses()), client.build());
        factory.afterPropertiesSet();
        factories.add(factory);
        return factory;
    }

    private RedisQuotaLedgers ledgers(String prefix) {
        return ledgers(prefix, Clock.systemUTC());
    }

    private RedisQuotaLedgers ledgers(String prefix, Clock clock) {
        LettuceConnectionFactory factory = factory();
        RedisQuotaLedgers made = new RedisQuotaLedgers(factory::getRequiredNativeClient, clock,
                Duration.ZERO, Duration.ofSeconds(2), prefix, 100);
        made.ready(Duration.ofSeconds(10)).block();
        ledgers.add(made);
        return made;
    }

    private ClientRateLimiter limiter(int perMinute) {
        LettuceConnectionFactory factory = factory();
        RedisClientBuckets buckets = new RedisClientBuckets(factory::getRequiredNativeClient, Duration.ofSeconds(2),
                ClientRateLimiter.timeMeter(Clock.systemUTC()));
        return new ClientRateLimiter(new ClientRateLimiter.Config().setRequestsPerMinute(perMinute), 100,
                Clock.systemUTC(), null, buckets);
    }

    private RedisResourceOwners owners() {
        return new RedisResourceOwners(new ReactiveStringRedisTemplate(sharedFactory()), "gkr", Duration.ofSeconds(2),
                new LocalResourceOwners(100, Clock.systemUTC()), Clock.systemUTC());
    }

    private LettuceConnectionFactory ownersFactory;

    /** One connection for every owners view of a test: a fresh local map each, the same Redis client. */
    private LettuceConnectionFactory sharedFactory() {
        if (ownersFactory == null) {
            ownersFactory = factory();
        }
        return ownersFactory;
    }

    private static void awaitOwner(RedisResourceOwners owners, String name, String project) {
        Await.until(Duration.ofSeconds(10), POLL, name + " known",
                () -> project.equals(owners.owner(name).block(Duration.ofSeconds(5))));
    }
}
