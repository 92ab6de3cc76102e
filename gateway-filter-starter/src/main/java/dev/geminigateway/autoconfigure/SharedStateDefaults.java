package dev.geminigateway.autoconfigure;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Where state that replicas must agree on lives when a setting does not say: in Redis as soon as a Redis connection
 * is configured (the key-state store type {@code redis}, or {@code spring.data.redis.url}, {@code .host},
 * {@code .cluster.nodes}, {@code .sentinel.master}), else in this process. Keeping it local with Redis configured is
 * an explicit choice ({@code local}); a shared setting that cannot take effect fails start-up, never falls back.
 */
final class SharedStateDefaults {

    static final String REDIS = "redis";
    static final String LOCAL = "local";

    private static final String[] REDIS_PROPERTIES = { "spring.data.redis.url", "spring.data.redis.host",
            "spring.data.redis.cluster.nodes", "spring.data.redis.cluster.nodes[0]",
            "spring.data.redis.sentinel.master" };

    private static final String LETTUCE_FACTORY = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";

    private SharedStateDefaults() {
    }

    static boolean redisConfigured(Environment environment) {
        if (REDIS.equalsIgnoreCase(environment.getProperty("gemini.gateway.store.type", "").trim())) {
            return true;
        }
        for (String property : REDIS_PROPERTIES) {
            // A blank value (e.g. "${REDIS_URL:}") is not a configured Redis.
            if (StringUtils.hasText(environment.getProperty(property))) {
                return true;
            }
        }
        return false;
    }

    /** {@code redis} or {@code local}: the explicit {@code value} (any case), else the default described above. */
    static String resolve(String property, String value, Environment environment) {
        if (StringUtils.hasText(value)) {
            String chosen = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (!chosen.equals(REDIS) && !chosen.equals(LOCAL)) {
                throw new IllegalStateException(property + "=" + value + " is not one of: local, redis");
            }
            return chosen;
        }
        return redisConfigured(environment) ? REDIS : LOCAL;
    }

    /** Fails start-up when the classes shared {@code what} needs are missing. */
    static void requireClasses(String property, String what, ClassLoader loader, String... classes) {
        for (String name : classes) {
            if (!ClassUtils.isPresent(name, loader)) {
                throw new IllegalStateException(property + " is redis (set, or the default because Redis is configured) "
                        + "but " + what + " cannot be shared: " + name + " is not on the classpath. Add "
                        + artifactOf(name) + ", or set " + property + "=local to keep it on each replica");
            }
        }
    }

    static boolean lettuceAvailable(ClassLoader loader) {
        return ClassUtils.isPresent(LETTUCE_FACTORY, loader);
    }

    static String lettuceFactory() {
        return LETTUCE_FACTORY;
    }

    private static String artifactOf(String className) {
        if (className.startsWith("io.github.bucket4j")) {
            return "com.bucket4j:bucket4j_jdk17-lettuce";
        }
        return "org.springframework.boot:spring-boot-starter-data-redis-reactive";
    }
}
