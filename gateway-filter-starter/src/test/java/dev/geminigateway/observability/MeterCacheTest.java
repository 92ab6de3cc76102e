package dev.geminigateway.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.metrics.MeterCache;
import dev.geminigateway.outcome.OutcomeKind;

import static org.assertj.core.api.Assertions.assertThat;

class MeterCacheTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger registrations = new AtomicInteger();
    private final MeterCache<String, Counter> cache = new MeterCache<>(route -> {
        registrations.incrementAndGet();
        return Counter.builder("test.requests").tag("route", route).register(registry);
    });

    @Test
    void eachTagSetIsRegisteredOnceAndTheSameMeterReturned() {
        Counter first = cache.get("a");
        for (int i = 0; i < 1000; i++) {
            cache.get("a").increment();
        }
        cache.get("b").increment();
        assertThat(cache.get("a")).isSameAs(first);
        assertThat(registrations).hasValue(2);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(registry.get("test.requests").tag("route", "a").counter().count()).isEqualTo(1000);
    }

    @Test
    void registeringCanResolveAnotherMeterOfTheSameCache() {
        // A registry listener that records a meter while a meter is being registered: inside a map's
        // computeIfAbsent this fails ("Recursive update") or deadlocks; outside any lock it just works.
        AtomicBoolean nested = new AtomicBoolean();
        MeterCache<String, Counter>[] self = new MeterCache[1];
        self[0] = new MeterCache<>(route -> {
            if (nested.compareAndSet(false, true)) {
                self[0].get(route).increment();
            }
            return Counter.builder("test.nested").tag("route", route).register(registry);
        });
        self[0].get("x").increment();
        assertThat(registry.get("test.nested").tag("route", "x").counter().count()).isEqualTo(2);
        assertThat(self[0].size()).isEqualTo(1);
    }

    @Test
    void concurrentFirstUsesAllGetTheOneRegisteredMeter() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Counter>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                calls.add(() -> {
                    Counter counter = cache.get("shared");
                    counter.increment();
                    return counter;
                });
            }
            List<Future<Counter>> results = pool.invokeAll(calls);
            Counter one = registry.get("test.requests").tag("route", "shared").counter();
            for (Future<Counter> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isSameAs(one);
            }
            assertThat(one.count()).isEqualTo(64);
            assertThat(registry.find("test.requests").counters()).hasSize(1);
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void gatewayMetricsCountIntoOneMeterPerTagSet() {
        GatewayMetrics metrics = new GatewayMetrics(registry, new KeyRegistry(List.of()), true, 10);
        for (int i = 0; i < 3; i++) {
            metrics.attempt(OutcomeKind.SUCCESS, "0123456789ab");
            metrics.requestCompleted("r", "native", 200, java.time.Duration.ofMillis(5), 1, false);
        }
        assertThat(registry.find(GatewayMetrics.ATTEMPTS).counters()).hasSize(1);
        assertThat(registry.get(GatewayMetrics.ATTEMPTS).tags("outcome", "success", "key", "0123456789ab").counter()
                .count()).isEqualTo(3);
        assertThat(registry.get(GatewayMetrics.REQUESTS).tags("status", "200", "surface", "native", "route", "r")
                .counter().count()).isEqualTo(3);
        assertThat(registry.get(GatewayMetrics.REQUEST_DURATION).tag("route", "r").timer().count()).isEqualTo(3);
    }
}
