package dev.geminigateway.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import reactor.core.publisher.Mono;

import dev.geminigateway.key.ApiKey;

/**
 * Confirms a suspect key (a 403 that named neither the key nor a resource) with the cheap models listing before
 * anything changes: a key that lists models is not invalid. At most one probe per key is in flight, and its verdict
 * is shared by every request that asks within {@code verdictTtl}, so a burst of such 403s costs one probe per key.
 * Non-blocking: the probe is a reactive HTTP call.
 */
public class SuspectKeyCheck {

    private record Verdict(Mono<Boolean> refused, Instant expires) {
    }

    private final Function<ApiKey, Mono<Integer>> probeStatus;
    private final Clock clock;
    private final Duration verdictTtl;
    /** One entry per key id at most: bounded by the key registry, not by client input. */
    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();

    /** @param probeStatus the models listing's HTTP status for a key, 0 when no answer came */
    public SuspectKeyCheck(Function<ApiKey, Mono<Integer>> probeStatus, Clock clock, Duration verdictTtl) {
        this.probeStatus = probeStatus;
        this.clock = clock;
        this.verdictTtl = verdictTtl;
    }

    /**
     * Completes with true only when Gemini refused the key's models listing (400 or 403): key-level proof. A 200 is
     * false, and so is anything inconclusive (5xx, 429, no answer), which never condemns a key.
     */
    public Mono<Boolean> refused(ApiKey key) {
        Instant now = clock.instant();
        return verdicts.compute(key.id(), (id, old) -> old != null && now.isBefore(old.expires()) ? old
                : new Verdict(probeStatus.apply(key).map(SuspectKeyCheck::refusal).onErrorReturn(false)
                        .defaultIfEmpty(false).cache(), now.plus(verdictTtl))).refused();
    }

    /** Drops every verdict, so the next suspicion probes afresh (a test that starts the key set over). */
    public void forget() {
        verdicts.clear();
    }

    private static boolean refusal(int status) {
        return status == 400 || status == 403;
    }
}
