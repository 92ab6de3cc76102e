package dev.geminigateway.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which key-state store the gateway uses, and how the Redis one behaves.
 *
 * <pre>
 * gemini.gateway.store.type: redis | in-memory   # default: redis when spring.data.redis.url, .host,
 *                                                #   .cluster.nodes or .sentinel.master is set, else in-memory
 * gemini.gateway.store.redis.key-prefix: gkr     # hash tag of every key: {gkr}:...
 * gemini.gateway.store.redis.heartbeat: 500ms    # how often a replica checks the connection (and notices a return)
 * gemini.gateway.store.redis.command-timeout: 1s # a background write slower than this counts as failed
 * gemini.gateway.store.redis.startup-sync-timeout: 3s # how long startup waits for the first full load
 * </pre>
 */
@ConfigurationProperties("gemini.gateway.store")
public record RedisStoreProperties(String type, @DefaultValue Redis redis) {

    public static final String TYPE_REDIS = "redis";
    public static final String TYPE_IN_MEMORY = "in-memory";

    public record Redis(
            @DefaultValue("gkr") String keyPrefix,
            @DefaultValue("500ms") Duration heartbeat,
            @DefaultValue("1s") Duration commandTimeout,
            @DefaultValue("3s") Duration startupSyncTimeout) {

        public Redis {
            if (keyPrefix == null || keyPrefix.isBlank() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
                throw new IllegalArgumentException("gemini.gateway.store.redis.key-prefix must be non-blank and "
                        + "free of braces: it becomes the hash tag {" + keyPrefix + "}");
            }
        }

        /** Defaults, for code that builds a store by hand (tests, benchmarks). */
        public static Redis defaults() {
            return new Redis("gkr", Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(3));
        }
    }
}
