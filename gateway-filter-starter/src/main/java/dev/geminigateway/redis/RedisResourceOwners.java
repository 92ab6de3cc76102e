package dev.geminigateway.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import dev.geminigateway.affinity.LocalResourceOwners;
import dev.geminigateway.affinity.ResourceOwners;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Owners shared by every replica: one Redis string per resource, {@code {<prefix>}:owner:<name>} = "{@code <expiry
 * millis> <project>}", expiring with the resource (the hash tag of the key-state store, so a cluster keeps the pool's
 * keys together). A local bounded map answers first and keeps what this replica learned; a miss asks Redis, within
 * the command timeout. A slow or dead Redis makes a miss "unknown" and a write local only (after two retries in the
 * background): never an error.
 */
public final class RedisResourceOwners implements ResourceOwners {

    private static final Log log = LogFactory.getLog(RedisResourceOwners.class);

    /**
     * Writes run after the answer, so a slow moment of Redis (a connection still opening, a busy server) may cost
     * them a retry but never a client's time: without one, another replica would not learn the owner.
     */
    private static final Retry BACKGROUND_RETRIES = Retry.backoff(2, Duration.ofMillis(100));

    private final ReactiveStringRedisTemplate redis;
    private final LocalResourceOwners local;
    private final RedisKeySchema schema;
    private final Duration timeout;
    private final Clock clock;

    public RedisResourceOwners(ReactiveStringRedisTemplate redis, String hashTagPrefix, Duration timeout,
            LocalResourceOwners local, Clock clock) {
        this.redis = redis;
        this.schema = new RedisKeySchema(hashTagPrefix);
        this.timeout = timeout;
        this.local = local;
        this.clock = clock;
    }

    @Override
    public Mono<String> owner(String name) {
        String known = local.project(name);
        if (known != null) {
            return Mono.just(known);
        }
        return redis.opsForValue().get(schema.owner(name))
                .timeout(timeout)
                .flatMap(value -> Mono.justOrEmpty(decode(name, value)))
                .onErrorResume(e -> {
                    log.debug("Resource owner lookup failed; treating the resource as unknown: " + e);
                    return Mono.empty();
                });
    }

    @Override
    public void remember(String name, String project, Instant expiresAt) {
        local.remember(name, project, expiresAt);
        Duration ttl = Duration.between(clock.instant(), expiresAt);
        if (ttl.isNegative() || ttl.isZero()) {
            return;
        }
        redis.opsForValue().set(schema.owner(name), expiresAt.toEpochMilli() + " " + project, ttl)
                .timeout(timeout)
                .retryWhen(BACKGROUND_RETRIES)
                .subscribe(ok -> { }, e -> log.warn("Could not share the owner of " + name + " through Redis: " + e));
    }

    @Override
    public void forget(String name) {
        local.forget(name);
        redis.delete(schema.owner(name)).timeout(timeout).retryWhen(BACKGROUND_RETRIES)
                .subscribe(n -> { }, e -> log.debug("Could not forget the owner of " + name + " in Redis: " + e));
    }

    /** The project, cached locally until the resource expires; null for a value this code did not write. */
    private String decode(String name, String value) {
        int space = value.indexOf(' ');
        if (space <= 0 || space == value.length() - 1) {
            return null;
        }
        try {
            Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(value.substring(0, space)));
            String project = value.substring(space + 1);
            local.remember(name, project, expiresAt);
            return project;
        }
        catch (NumberFormatException e) {
            return null;
        }
    }
}
