package dev.geminigateway.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Whether the key-state store is in touch with Redis: one flag every part of the store reads, one counter of failed
 * calls, and one warning per outage.
 */
final class StoreConnection {

    private static final Log log = LogFactory.getLog(RedisKeyStateStore.class);

    private final Counter errors;
    private volatile boolean connected;

    StoreConnection(MeterRegistry meters) {
        this.errors = Counter.builder(RedisKeyStateStore.ERRORS_METER)
                .description("Failed calls to the Redis key-state store").register(meters);
        Gauge.builder(RedisKeyStateStore.CONNECTED_METER, this, connection -> connection.connected ? 1 : 0)
                .description("1 while the Redis key-state store is reachable and in sync").register(meters);
    }

    boolean connected() {
        return connected;
    }

    void up() {
        connected = true;
    }

    void down() {
        connected = false;
    }

    void failed(Throwable error) {
        errors.increment();
        if (connected) {
            connected = false;
            log.warn("Redis key-state store unreachable, serving from local state until it returns: " + error);
        }
    }
}
