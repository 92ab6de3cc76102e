package dev.geminigateway.observability;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.geminigateway.health.KeyProber;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;

/**
 * Probes every key with a cheap {@code GET models} on demand ({@code /health/detailed?validate=true}), with at most
 * {@code concurrency} probes in flight, and keeps the result for {@code cacheFor}: asking again within that time
 * makes no upstream call, so the endpoint cannot be used to burn quota or hammer Google. Concurrent askers share
 * one run. Results name keys by id and masked form only.
 */
public class KeyValidation {

    private final KeyRegistry registry;
    private final KeyProber prober;
    private final Clock clock;
    private final Duration cacheFor;
    private final int concurrency;
    private Run current;

    public KeyValidation(KeyRegistry registry, KeyProber prober, Clock clock, Duration cacheFor, int concurrency) {
        this.registry = registry;
        this.prober = prober;
        this.clock = clock;
        this.cacheFor = cacheFor;
        this.concurrency = concurrency;
    }

    /** The latest result if younger than the cache time, else a new run. */
    public synchronized Mono<Report> validate() {
        Instant now = clock.instant();
        if (current == null || !now.isBefore(current.started.plus(cacheFor))) {
            current = new Run(now, probeAll(now).cache());
        }
        return current.result;
    }

    private Mono<Report> probeAll(Instant started) {
        List<ApiKey> keys = registry.allKeys();
        return Flux.fromIterable(keys)
                .flatMapSequential(key -> prober.probe(key).defaultIfEmpty(false)
                        .map(ok -> new Result(key.id(), key.masked(), key.group(), ok)), concurrency)
                .collectList()
                .map(results -> new Report(started, started.plus(cacheFor), results))
                // a failed run must not be cached for the whole period
                .doOnError(error -> forget());
    }

    private synchronized void forget() {
        current = null;
    }

    /** One probe: whether Gemini accepted the key. */
    public record Result(String id, String masked, String group, boolean valid) {
    }

    /**
     * @param checkedAt when the probes started
     * @param freshUntil until when this result is served without probing again
     */
    public record Report(Instant checkedAt, Instant freshUntil, List<Result> keys) {

        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("checkedAt", checkedAt.toString());
            map.put("freshUntil", freshUntil.toString());
            map.put("valid", keys.stream().filter(Result::valid).count());
            map.put("invalid", keys.stream().filter(r -> !r.valid()).count());
            map.put("keys", keys);
            return map;
        }
    }

    private record Run(Instant started, Mono<Report> result) {
    }
}
