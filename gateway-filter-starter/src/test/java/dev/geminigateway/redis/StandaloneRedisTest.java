package dev.geminigateway.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One redis-server of its own per test class, empty at the start of each test (restarted first if a test killed it).
 * A missing {@code redis-server} fails the class.
 */
abstract class StandaloneRedisTest {

    static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void emptyRedis() {
        if (!redis.isAlive()) {
            redis.restart();
        }
        redis.flushAll();
    }
}
