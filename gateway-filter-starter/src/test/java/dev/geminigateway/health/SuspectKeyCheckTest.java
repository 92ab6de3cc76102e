package dev.geminigateway.health;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class SuspectKeyCheckTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
    private final ApiKey key = new ApiKey("AIzaSyTestKeySuspectaaaaaaaaaaaaaaaaaaaa", "p", null, "default");

    @Test
    void concurrentSuspicionsShareOneProbeAndItsVerdictIsKeptBriefly() {
        AtomicInteger probes = new AtomicInteger();
        Sinks.One<Integer> answer = Sinks.one();
        SuspectKeyCheck check = new SuspectKeyCheck(k -> Mono.defer(() -> {
            probes.incrementAndGet();
            return answer.asMono();
        }), clock, Duration.ofMinutes(1));

        Mono<Boolean> first = check.refused(key);
        Mono<Boolean> second = check.refused(key);
        first.subscribe();
        second.subscribe();
        answer.tryEmitValue(403);
        assertThat(first.block()).isTrue();
        assertThat(second.block()).isTrue();
        assertThat(check.refused(key).block()).isTrue();
        assertThat(probes).hasValue(1);

        clock.advance(Duration.ofMinutes(2));
        check.refused(key).block();
        assertThat(probes).hasValue(2);
    }

    @Test
    void onlyARefusalCondemnsAndAnythingInconclusiveDoesNot() {
        assertThat(verdictFor(Mono.just(200))).isFalse();
        assertThat(verdictFor(Mono.just(400))).isTrue();
        assertThat(verdictFor(Mono.just(403))).isTrue();
        assertThat(verdictFor(Mono.just(429))).isFalse();
        assertThat(verdictFor(Mono.just(503))).isFalse();
        assertThat(verdictFor(Mono.just(0))).isFalse();
        assertThat(verdictFor(Mono.error(new IllegalStateException("boom")))).isFalse();
        assertThat(verdictFor(Mono.empty())).isFalse();
    }

    private Boolean verdictFor(Mono<Integer> status) {
        return new SuspectKeyCheck(k -> status, clock, Duration.ofMinutes(1)).refused(key).block();
    }
}
