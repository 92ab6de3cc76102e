package dev.geminigateway.redis;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One redis-server of its own per test class, empty at the start of each test (restarted first if a test killed it).
 * A missing {@code redis-server} fails the class. A test that takes Redis down while it runs can use
 * {@link #ownRedis()} instead, so the class's server and client stay untouched.
 */
abstract class StandaloneRedisTest {

    static RedisServerProcess redis;
    private static RedisClient client;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        if (client != null) {
            client.shutdown();
            client = null;
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void emptyRedis() {
        if (!redis.isAlive()) {
            redis.restart();
        }
        redis.flushAll();
    }

    /** A Lettuce client of the class's server, made on first use and shut down with the server. */
    static RedisClient client() {
        if (client == null) {
            client = RedisClient.create(redis.url());
        }
        return client;
    }

    /** A server and client for one test alone (for instance one that kills its Redis); close it at the end. */
    static OwnRedis ownRedis() {
        RedisServerProcess server = RedisServerProcess.start();
        return new OwnRedis(server, RedisClient.create(server.url()));
    }

    record OwnRedis(RedisServerProcess server, RedisClient client) implements AutoCloseable {

        @Override
        public void close() {
            client.shutdown();
            server.close();
        }
    }
}
