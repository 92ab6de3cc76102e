package dev.geminigateway.client;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import reactor.core.publisher.Mono;

/**
 * Client buckets shared between replicas (the Redis backend implements it). A failed or slow call is an error, and
 * the limiter then counts that request on this replica alone: fail-open to local limits, never to no limit.
 */
public interface SharedBuckets {

    /** Takes one token from the shared bucket {@code key}, created with {@code configuration} if absent. */
    Mono<ConsumptionProbe> tryConsume(String key, BucketConfiguration configuration);
}
